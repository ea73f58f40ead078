#include "util/json_out.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

/* Appends to b; the buffer has no cap, so only memory exhaustion (which aborts) could fail. */
static void put(buf_t *b, const void *p, size_t n)
{
    if (buf_append(b, p, n))
        abort();
}

/* The escape of byte c when a JSON string needs one (jansson's: two-letter forms, else \uXXXX
 * in upper-case hex), written into seq; its length, or 0 when c goes out as it is. */
static size_t escape_of(unsigned char c, char seq[8])
{
    static const char letters[32] = {
        ['\b'] = 'b', ['\f'] = 'f', ['\n'] = 'n', ['\r'] = 'r', ['\t'] = 't'};
    if (c == '"' || c == '\\') {
        seq[0] = '\\';
        seq[1] = (char)c;
        return 2;
    }
    if (c >= 0x20)
        return 0;
    if (letters[c]) {
        seq[0] = '\\';
        seq[1] = letters[c];
        return 2;
    }
    return (size_t)snprintf(seq, 8, "\\u%04X", c);
}

static void put_string(buf_t *b, const char *s, size_t len)
{
    put(b, "\"", 1);
    size_t run = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\')
            continue; /* the common case: copied with its run */
        char seq[8];
        size_t n = escape_of(c, seq);
        put(b, s + run, i - run);
        put(b, seq, n);
        run = i + 1;
    }
    put(b, s + run, len - run);
    put(b, "\"", 1);
}

/* Writes d with the fewest significant digits (1 to 17) that read back as the same double. */
static int shortest(char *num, size_t cap, double d)
{
    int n = 0;
    for (int prec = 1; prec <= 17; prec++) {
        n = snprintf(num, cap, "%.*g", prec, d);
        if (strtod(num, NULL) == d)
            break;
    }
    return n;
}

/* A real in its shortest form that reads back as the same double (where jansson writes 17
 * digits: 0.099 instead of 0.099000000000000005), with jansson's other rules: ".0" added to what
 * reads as an integer, an exponent without '+' or leading zeros ("1e20", "1e-5"). */
static void put_real(buf_t *b, double d)
{
    char num[48];
    int n = shortest(num, sizeof num, d);
    if (n <= 0 || (size_t)n >= sizeof num - 2)
        abort();
    char *e = strchr(num, 'e');
    if (!e && !strchr(num, '.')) {
        memcpy(num + n, ".0", 3);
        n += 2;
    } else if (e) {
        char *digits = e + 1, *src = digits;
        if (*src == '+')
            src++;
        else if (*src == '-')
            src++, digits++;
        while (*src == '0' && src[1])
            src++;
        memmove(digits, src, strlen(src) + 1);
        n = (int)strlen(num);
    }
    put(b, num, (size_t)n);
}

static bool put_value(buf_t *b, const json_t *v, int depth);

static bool put_object(buf_t *b, const json_t *v, int depth)
{
    const char *key;
    json_t *item;
    bool first = true;
    put(b, "{", 1);
    json_object_foreach((json_t *)v, key, item)
    {
        if (!first)
            put(b, ",", 1);
        first = false;
        put_string(b, key, strlen(key));
        put(b, ":", 1);
        if (!put_value(b, item, depth + 1))
            return false;
    }
    put(b, "}", 1);
    return true;
}

static bool put_array(buf_t *b, const json_t *v, int depth)
{
    put(b, "[", 1);
    for (size_t i = 0; i < json_array_size(v); i++) {
        if (i)
            put(b, ",", 1);
        if (!put_value(b, json_array_get(v, i), depth + 1))
            return false;
    }
    put(b, "]", 1);
    return true;
}

static bool put_value(buf_t *b, const json_t *v, int depth)
{
    if (depth > JSON_OUT_MAX_DEPTH)
        return false;
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return put_object(b, v, depth);
    case JSON_ARRAY:
        return put_array(b, v, depth);
    case JSON_STRING:
        put_string(b, json_string_value(v), json_string_length(v));
        return true;
    case JSON_INTEGER: {
        char num[24];
        int n = snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        put(b, num, (size_t)n);
        return true;
    }
    case JSON_REAL:
        put_real(b, json_real_value(v));
        return true;
    case JSON_TRUE:
        put(b, "true", 4);
        return true;
    case JSON_FALSE:
        put(b, "false", 5);
        return true;
    default:
        put(b, "null", 4);
        return true;
    }
}

char *json_out_compact(const json_t *v, size_t *len)
{
    if (!v)
        return NULL;
    buf_t b;
    buf_init(&b, 0);
    if (!put_value(&b, v, 0)) {
        buf_cleanup(&b);
        return NULL;
    }
    if (len)
        *len = b.len;
    return buf_steal(&b);
}
