/*
 * Address guard (DESIGN §6): refuses outgoing connections to loopback,
 * private, link-local, metadata and other non-public addresses. The check runs
 * on the resolved address at connect time, through libcurl's
 * CURLOPT_OPENSOCKETFUNCTION, so it covers DNS answers and every redirect hop
 * (each new connection passes through it; reused connections were checked
 * when they were opened).
 *
 * Refused ranges:
 *   IPv4: 0/8 (unspecified, "this network"), 10/8, 100.64/10 (CGNAT), 127/8,
 *         169.254/16 (link-local, incl. 169.254.169.254 cloud metadata),
 *         172.16/12, 192.0.0/24 (IETF protocol assignments), 192.0.2/24,
 *         198.51.100/24, 203.0.113/24 (documentation), 192.88.99/24 (6to4
 *         relay anycast), 192.168/16, 198.18/15 (benchmarking), 224/4
 *         (multicast), 240/4 (reserved, incl. 255.255.255.255 broadcast).
 *   IPv6: :: and ::1, ::/96 (deprecated IPv4-compatible), fc00::/7 (ULA),
 *         fe80::/10 (link-local), fec0::/10 (site-local), ff00::/8 (multicast),
 *         100::/64 (discard), 2001::/32 (Teredo), 2001:2::/48 (benchmarking),
 *         2001:db8::/32 and 3fff::/20 (documentation), 64:ff9b:1::/48 (local
 *         NAT64).
 *   Embedded IPv4 is checked as IPv4: ::ffff:a.b.c.d (mapped),
 *   64:ff9b::a.b.c.d (NAT64), 2002:aabb:ccdd::/48 (6to4).
 *   Any other address family (AF_UNIX, …) is refused.
 */
#ifndef CINDER_FETCH_GUARD_H
#define CINDER_FETCH_GUARD_H

#include <netinet/in.h>
#include <stdbool.h>
#include <sys/socket.h>

#include <curl/curl.h>

/* Per-transfer guard state, owned by the caller and read/written only on the
 * thread driving the transfer. */
typedef struct {
    bool allow_private;                  /* policy: true lets every address through */
    bool blocked;                        /* set when a connect attempt was refused */
    unsigned connects;                   /* sockets opened or refused through the guard */
    char blocked_addr[INET6_ADDRSTRLEN]; /* the last refused address, as text */
} guard_state_t;

/* True when sa (AF_INET or AF_INET6) is a public address a crawler may
 * connect to; false for the ranges listed above and for other families. */
bool guard_addr_allowed(const struct sockaddr *sa);

/* Formats the address of sa (without port) into out; "?" for unknown
 * families. out should hold INET6_ADDRSTRLEN bytes. */
void guard_format_addr(const struct sockaddr *sa, char *out, size_t outlen);

/* Installs the guard on an easy handle: CURLOPT_OPENSOCKETFUNCTION checking
 * every address curl is about to connect to against st->allow_private (read
 * at connect time), recording refusals in st, and CURLOPT_PROTOCOLS_STR /
 * CURLOPT_REDIR_PROTOCOLS_STR limited to http,https. st must outlive the
 * transfer; a refused address makes curl report CURLE_COULDNT_CONNECT. */
void guard_install(CURL *easy, guard_state_t *st);

#endif
