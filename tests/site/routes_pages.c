/* /pages/<name>: static files from tests/site/pages, typed by extension. */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "site.h"

#define PAGE_NAME_MAX 512

static const struct {
    const char *ext;
    const char *type;
} types[] = {
    {"html", "text/html; charset=utf-8"},
    {"htm", "text/html; charset=utf-8"},
    {"txt", "text/plain; charset=utf-8"},
    {"md", "text/markdown; charset=utf-8"},
    {"css", "text/css; charset=utf-8"},
    {"js", "text/javascript; charset=utf-8"},
    {"json", "application/json"},
    {"xml", "application/xml"},
    {"png", "image/png"},
    {"jpg", "image/jpeg"},
    {"jpeg", "image/jpeg"},
    {"gif", "image/gif"},
    {"svg", "image/svg+xml"},
    {"ico", "image/x-icon"},
    {"pdf", "application/pdf"},
};

static const char *type_for(const char *name)
{
    const char *dot = strrchr(name, '.');
    if (dot && !strchr(dot, '/')) {
        for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
            if (strcasecmp(dot + 1, types[i].ext) == 0)
                return types[i].type;
        }
    }
    return "application/octet-stream";
}

/* Relative, no "..", no backslashes or control bytes, of bounded length. */
static bool name_safe(const char *name)
{
    size_t n = strnlen(name, PAGE_NAME_MAX + 1);
    if (n == 0 || n > PAGE_NAME_MAX || name[0] == '/' || strstr(name, ".."))
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)name[i];
        if (c < 0x20 || c == 0x7f || c == '\\')
            return false;
    }
    return true;
}

/* Opens a regular file under the pages directory; -1 when absent or unsafe. */
static int open_page(const char *name, off_t *size)
{
    char path[PATH_MAX];
    if (!name_safe(name))
        return -1;
    int n = snprintf(path, sizeof path, "%s/%s", site_cfg.pages_dir, name);
    if (n < 0 || (size_t)n >= sizeof path)
        return -1;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    struct stat sb;
    if (fd >= 0 && fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode)) {
        *size = sb.st_size;
        return fd;
    }
    if (fd >= 0)
        close(fd);
    return -1;
}

enum MHD_Result site_send_page(site_request *rq, const char *name)
{
    off_t size = 0;
    int fd = open_page(name, &size);
    if (fd < 0)
        return route_not_found(rq);
    struct MHD_Response *r = MHD_create_response_from_fd((uint64_t)size, fd);
    if (!r) {
        close(fd);
        return MHD_NO;
    }
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type_for(name));
    return site_send(rq, MHD_HTTP_OK, r);
}

enum MHD_Result route_pages(site_request *rq)
{
    return site_send_page(rq, rq->url + strlen("/pages/"));
}
