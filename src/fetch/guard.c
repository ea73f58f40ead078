#include "fetch/guard.h"

#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct v4_range {
    uint32_t net; /* host byte order */
    unsigned bits;
};

#define V4(a, b, c, d) (((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | ((uint32_t)(c) << 8) | (d))

static const struct v4_range v4_blocked[] = {
    {V4(0, 0, 0, 0), 8},      {V4(10, 0, 0, 0), 8},     {V4(100, 64, 0, 0), 10},
    {V4(127, 0, 0, 0), 8},    {V4(169, 254, 0, 0), 16}, {V4(172, 16, 0, 0), 12},
    {V4(192, 0, 0, 0), 24},   {V4(192, 0, 2, 0), 24},   {V4(192, 88, 99, 0), 24},
    {V4(192, 168, 0, 0), 16}, {V4(198, 18, 0, 0), 15},  {V4(198, 51, 100, 0), 24},
    {V4(203, 0, 113, 0), 24}, {V4(224, 0, 0, 0), 4},    {V4(240, 0, 0, 0), 4},
};

struct v6_range {
    uint8_t net[16];
    unsigned bits;
};

static const struct v6_range v6_blocked[] = {
    {{0}, 96},                                  /* ::/96 incl. :: and ::1 */
    {{0xfc}, 7},                                /* unique local */
    {{0xfe, 0x80}, 10},                         /* link-local */
    {{0xfe, 0xc0}, 10},                         /* site-local (deprecated) */
    {{0xff}, 8},                                /* multicast */
    {{0x01, 0x00}, 64},                         /* discard-only */
    {{0x20, 0x01, 0x00, 0x00}, 32},             /* Teredo */
    {{0x20, 0x01, 0x00, 0x02}, 48},             /* benchmarking */
    {{0x20, 0x01, 0x0d, 0xb8}, 32},             /* documentation */
    {{0x3f, 0xff}, 20},                         /* documentation (RFC 9637) */
    {{0x00, 0x64, 0xff, 0x9b, 0x00, 0x01}, 48}, /* local-use NAT64 */
};

/* Prefixes whose low 32 bits (or bits 16..47 for 6to4) carry an IPv4 address. */
static const uint8_t v4_mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
static const uint8_t nat64[12] = {0x00, 0x64, 0xff, 0x9b};

static bool v4_allowed(uint32_t a)
{
    for (size_t i = 0; i < sizeof v4_blocked / sizeof v4_blocked[0]; i++) {
        uint32_t mask = ~(uint32_t)0 << (32 - v4_blocked[i].bits);
        if ((a & mask) == v4_blocked[i].net)
            return false;
    }
    return true;
}

static bool v6_prefix_match(const uint8_t *a, const uint8_t *net, unsigned bits)
{
    unsigned whole = bits / 8, rest = bits % 8;
    if (memcmp(a, net, whole) != 0)
        return false;
    if (!rest)
        return true;
    uint8_t mask = (uint8_t)(0xff << (8 - rest));
    return (a[whole] & mask) == (net[whole] & mask);
}

static uint32_t be32_at(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static bool v6_allowed(const uint8_t *a)
{
    if (memcmp(a, v4_mapped, 12) == 0 || memcmp(a, nat64, 12) == 0)
        return v4_allowed(be32_at(a + 12));
    if (a[0] == 0x20 && a[1] == 0x02)
        return v4_allowed(be32_at(a + 2));
    for (size_t i = 0; i < sizeof v6_blocked / sizeof v6_blocked[0]; i++)
        if (v6_prefix_match(a, v6_blocked[i].net, v6_blocked[i].bits))
            return false;
    return true;
}

bool guard_addr_allowed(const struct sockaddr *sa)
{
    if (!sa)
        return false;
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)(const void *)sa;
        return v4_allowed(ntohl(in->sin_addr.s_addr));
    }
    if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)(const void *)sa;
        return v6_allowed(in6->sin6_addr.s6_addr);
    }
    return false;
}

void guard_format_addr(const struct sockaddr *sa, char *out, size_t outlen)
{
    const void *src = NULL;
    if (sa && sa->sa_family == AF_INET)
        src = &((const struct sockaddr_in *)(const void *)sa)->sin_addr;
    else if (sa && sa->sa_family == AF_INET6)
        src = &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr;
    if (!src || !inet_ntop(sa->sa_family, src, out, (socklen_t)outlen))
        snprintf(out, outlen, "?");
}

static curl_socket_t guard_open_socket(void *clientp, curlsocktype purpose,
                                       struct curl_sockaddr *addr)
{
    guard_state_t *st = clientp;
    st->connects++;
    if (!st->allow_private && !guard_addr_allowed(&addr->addr)) {
        st->blocked = true;
        guard_format_addr(&addr->addr, st->blocked_addr, sizeof st->blocked_addr);
        return CURL_SOCKET_BAD;
    }
    return socket(addr->family, addr->socktype | SOCK_CLOEXEC, addr->protocol);
}

void guard_install(CURL *easy, guard_state_t *st)
{
    curl_easy_setopt(easy, CURLOPT_OPENSOCKETFUNCTION, guard_open_socket);
    curl_easy_setopt(easy, CURLOPT_OPENSOCKETDATA, st);
    curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(easy, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
}
