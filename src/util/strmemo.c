/* strmemo: a direct-mapped memo of small values by short strings (util/strmemo.h). */
#include "util/strmemo.h"

#include <string.h>

static unsigned slot_of(const char *s, size_t len)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h % STRMEMO_SLOTS;
}

bool strmemo_get(const strmemo_t *m, const char *s, size_t len, unsigned *value)
{
    if (!s || len == 0 || len > STRMEMO_MAX)
        return false;
    unsigned i = slot_of(s, len);
    if (m->slot[i].len != len || memcmp(m->slot[i].s, s, len) != 0)
        return false;
    *value = m->slot[i].value;
    return true;
}

void strmemo_put(strmemo_t *m, const char *s, size_t len, unsigned value)
{
    if (!s || len == 0 || len > STRMEMO_MAX)
        return;
    unsigned i = slot_of(s, len);
    m->slot[i].len = (uint8_t)len;
    m->slot[i].value = (uint8_t)value;
    memcpy(m->slot[i].s, s, len);
}
