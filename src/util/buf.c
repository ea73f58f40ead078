#include "util/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/mem.h"

void buf_init(buf_t *b, size_t max)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max;
}

void buf_cleanup(buf_t *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

cinder_err buf_reserve(buf_t *b, size_t n)
{
    if (b->max && (n > b->max || b->len > b->max - n))
        return CINDER_E_TOO_LARGE;
    if (b->len + n + 1 <= b->cap)
        return CINDER_OK;
    size_t want = b->cap ? b->cap : 256;
    while (want < b->len + n + 1)
        want *= 2;
    if (b->max && want > b->max + 1)
        want = b->max + 1;
    b->data = xrealloc(b->data, want);
    b->cap = want;
    return CINDER_OK;
}

cinder_err buf_append(buf_t *b, const void *p, size_t n)
{
    cinder_err rc = buf_reserve(b, n);
    if (rc)
        return rc;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return CINDER_OK;
}

cinder_err buf_puts(buf_t *b, const char *s)
{
    return buf_append(b, s, strlen(s));
}

cinder_err buf_putc(buf_t *b, char c)
{
    if (b->len + 2 <= b->cap && (!b->max || b->len < b->max)) {
        b->data[b->len++] = c;
        b->data[b->len] = '\0';
        return CINDER_OK;
    }
    return buf_append(b, &c, 1);
}

cinder_err buf_printf(buf_t *b, const char *fmt, ...)
{
    va_list ap;
    char small[256];
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        return CINDER_E_INVALID;
    if ((size_t)n < sizeof small)
        return buf_append(b, small, (size_t)n);
    cinder_err rc = buf_reserve(b, (size_t)n);
    if (rc)
        return rc;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return CINDER_OK;
}

void buf_reset(buf_t *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

char *buf_steal(buf_t *b)
{
    char *p = b->data ? b->data : xstrdup("");
    b->data = NULL;
    b->len = b->cap = 0;
    return p;
}

const char *buf_str(const buf_t *b)
{
    return b->data ? b->data : "";
}
