#include "test.h"

#include <arpa/inet.h>

#include "fetch/guard.h"

static bool allowed(const char *text)
{
    struct sockaddr_storage ss = {0};
    if (strchr(text, ':')) {
        struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
        in6->sin6_family = AF_INET6;
        if (inet_pton(AF_INET6, text, &in6->sin6_addr) != 1)
            test_fail(__FILE__, __LINE__, "bad test address %s", text);
    } else {
        struct sockaddr_in *in = (struct sockaddr_in *)&ss;
        in->sin_family = AF_INET;
        if (inet_pton(AF_INET, text, &in->sin_addr) != 1)
            test_fail(__FILE__, __LINE__, "bad test address %s", text);
    }
    return guard_addr_allowed((const struct sockaddr *)&ss);
}

#define CHECK_BLOCKED(a)                                                                           \
    do {                                                                                           \
        if (allowed(a))                                                                            \
            test_fail(__FILE__, __LINE__, "%s should be blocked", a);                              \
    } while (0)

#define CHECK_ALLOWED(a)                                                                           \
    do {                                                                                           \
        if (!allowed(a))                                                                           \
            test_fail(__FILE__, __LINE__, "%s should be allowed", a);                              \
    } while (0)

TEST(guard_v4_blocked_ranges)
{
    static const char *const blocked[] = {
        "0.0.0.0",         "0.1.2.3",        "10.0.0.1",        "10.255.255.255",  "100.64.0.1",
        "100.127.255.254", "127.0.0.1",      "127.255.0.7",     "169.254.169.254", "169.254.0.1",
        "172.16.0.1",      "172.31.255.255", "192.168.1.1",     "192.0.0.8",       "192.0.2.10",
        "198.18.0.1",      "198.19.255.255", "198.51.100.7",    "203.0.113.9",     "224.0.0.1",
        "239.255.255.250", "240.0.0.1",      "255.255.255.255", "192.88.99.1",
    };
    for (size_t i = 0; i < sizeof blocked / sizeof blocked[0]; i++)
        CHECK_BLOCKED(blocked[i]);
}

TEST(guard_v4_public_allowed)
{
    static const char *const ok[] = {
        "1.1.1.1",        "8.8.8.8",         "93.184.216.34", "100.63.255.255",  "100.128.0.1",
        "172.15.255.255", "172.32.0.1",      "169.253.1.1",   "192.169.0.1",     "198.17.0.1",
        "198.20.0.1",     "223.255.255.254", "11.0.0.1",      "126.255.255.255", "128.0.0.1",
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        CHECK_ALLOWED(ok[i]);
}

TEST(guard_v6_ranges)
{
    static const char *const blocked[] = {
        "::",      "::1",       "fc00::1", "fdff:ffff::1", "fe80::1",
        "febf::1", "fec0::1",   "ff02::1", "100::1",       "2001:db8::1",
        "2001::1", "2001:2::1", "3fff::1", "::7f00:1",     "64:ff9b:1::1",
    };
    for (size_t i = 0; i < sizeof blocked / sizeof blocked[0]; i++)
        CHECK_BLOCKED(blocked[i]);
    CHECK_ALLOWED("2606:4700:4700::1111");
    CHECK_ALLOWED("2a00:1450:4001:80b::200e");
    CHECK_ALLOWED("2001:4860::8888");
    CHECK_ALLOWED("fbff::1");
}

TEST(guard_v6_embedded_v4)
{
    CHECK_BLOCKED("::ffff:127.0.0.1");
    CHECK_BLOCKED("::ffff:10.1.2.3");
    CHECK_BLOCKED("::ffff:169.254.169.254");
    CHECK_ALLOWED("::ffff:8.8.8.8");
    CHECK_BLOCKED("64:ff9b::127.0.0.1");
    CHECK_BLOCKED("64:ff9b::192.168.0.1");
    CHECK_ALLOWED("64:ff9b::1.1.1.1");
    CHECK_BLOCKED("2002:7f00:1::1");
    CHECK_BLOCKED("2002:a9fe:a9fe::1");
    CHECK_ALLOWED("2002:808:808::1");
}

TEST(guard_other_families_and_format)
{
    struct sockaddr sa = {.sa_family = AF_UNIX};
    CHECK(!guard_addr_allowed(&sa));
    CHECK(!guard_addr_allowed(NULL));
    char out[INET6_ADDRSTRLEN];
    guard_format_addr(&sa, out, sizeof out);
    CHECK_STR(out, "?");
    struct sockaddr_in in = {.sin_family = AF_INET};
    inet_pton(AF_INET, "169.254.169.254", &in.sin_addr);
    guard_format_addr((struct sockaddr *)&in, out, sizeof out);
    CHECK_STR(out, "169.254.169.254");
    struct sockaddr_in6 in6 = {.sin6_family = AF_INET6};
    inet_pton(AF_INET6, "fe80::1", &in6.sin6_addr);
    guard_format_addr((struct sockaddr *)&in6, out, sizeof out);
    CHECK_STR(out, "fe80::1");
}

/* The curl wiring, without a server: a refused address fails the connect. */
TEST(guard_install_refuses_loopback)
{
    CURL *easy = curl_easy_init();
    REQUIRE(easy);
    guard_state_t st = {.allow_private = false};
    guard_install(easy, &st);
    curl_easy_setopt(easy, CURLOPT_URL, "http://127.0.0.1:9/");
    curl_easy_setopt(easy, CURLOPT_PROXY, "");
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, 5000L);
    CURLcode rc = curl_easy_perform(easy);
    CHECK_INT(rc, CURLE_COULDNT_CONNECT);
    CHECK(st.blocked);
    CHECK_INT(st.connects, 1);
    CHECK_STR(st.blocked_addr, "127.0.0.1");

    st = (guard_state_t){.allow_private = false};
    curl_easy_setopt(easy, CURLOPT_URL, "file:///etc/hostname");
    rc = curl_easy_perform(easy);
    CHECK_INT(rc, CURLE_UNSUPPORTED_PROTOCOL);
    CHECK(!st.blocked);
    curl_easy_cleanup(easy);
}
