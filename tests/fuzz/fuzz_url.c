/* Fuzz target: URL resolution and normalisation. Input: base '\n' reference. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/url.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    memcpy(s, data, size);
    s[size] = '\0';
    char *nl = strchr(s, '\n');
    const char *base = "https://example.com/dir/page.html?q=1";
    const char *ref = s;
    if (nl) {
        *nl = '\0';
        base = s;
        ref = nl + 1;
    }
    free(url_resolve(base, ref, strlen(ref)));
    char *host = NULL;
    free(url_normalize_http(ref, &host));
    free(host);
    url_is_fragment_only(ref, strlen(ref));
    free(s);
    return 0;
}
