#include "test.h"

#include <stdio.h>

#include "crawl/hostgate.h"

TEST(hostgate_caps_fetches_per_host)
{
    hostgate_t *g = hostgate_new(2);
    CHECK_INT(hostgate_cap(g), 2);
    CHECK(hostgate_acquire(g, "http://a.test/1", 0));
    CHECK(hostgate_acquire(g, "https://A.TEST/2?x", 0)); /* same authority, any case */
    CHECK(!hostgate_acquire(g, "http://a.test/3", 0));
    CHECK(hostgate_acquire(g, "http://b.test/1", 0));     /* other hosts are not affected */
    CHECK(hostgate_acquire(g, "http://a.test:8080/", 0)); /* another port is another server */
    hostgate_release(g, "http://a.test/1");
    CHECK(hostgate_acquire(g, "http://user@a.test/4", 0));
    CHECK(!hostgate_acquire(g, "http://a.test/5", 0));
    hostgate_free(g);
    hostgate_free(NULL);
}

TEST(hostgate_pause_uses_retry_after_then_lifts)
{
    hostgate_t *g = hostgate_new(4);
    CHECK_INT(hostgate_pause(g, "http://a.test/x", 3000, 1000), 3000);
    CHECK(!hostgate_acquire(g, "http://a.test/y", 1000));
    CHECK(!hostgate_acquire(g, "http://a.test/y", 3999));
    CHECK(hostgate_acquire(g, "http://b.test/y", 2000)); /* only that host waits */
    CHECK(hostgate_acquire(g, "http://a.test/y", 4000));
    CHECK_INT(hostgate_pause(g, "http://a.test/x", 999999, 5000), 60000); /* capped */
    hostgate_free(g);
}

TEST(hostgate_backoff_doubles_and_resets)
{
    hostgate_t *g = hostgate_new(4);
    CHECK_INT(hostgate_pause(g, "http://a.test/", 0, 0), 1000);
    CHECK_INT(hostgate_pause(g, "http://a.test/", 0, 0), 2000);
    CHECK_INT(hostgate_pause(g, "http://a.test/", 0, 0), 4000);
    CHECK_INT(hostgate_pause(g, "http://b.test/", 0, 0), 1000);
    for (int i = 0; i < 10; i++)
        hostgate_pause(g, "http://a.test/", 0, 0);
    CHECK_INT(hostgate_pause(g, "http://a.test/", 0, 0), 60000);
    hostgate_ok(g, "http://a.test/");
    CHECK_INT(hostgate_pause(g, "http://a.test/", 0, 0), 1000);
    hostgate_free(g);
}

TEST(hostgate_forgets_idle_hosts)
{
    hostgate_t *g = hostgate_new(1);
    char url[64];
    for (int i = 0; i < 1000; i++) {
        snprintf(url, sizeof url, "http://h%d.test/", i);
        CHECK(hostgate_acquire(g, url, 0));
        hostgate_release(g, url);
    }
    CHECK(hostgate_size(g) <= 1); /* idle hosts are dropped as the table is walked */
    hostgate_pause(g, "http://p.test/", 0, 0);
    CHECK(hostgate_acquire(g, "http://q.test/", 500));
    CHECK(hostgate_size(g) >= 2); /* paused and busy hosts are kept */
    hostgate_release(g, "http://q.test/");
    CHECK(hostgate_acquire(g, "http://h5.test/", 0));
    hostgate_release(g, "http://h5.test/");
    hostgate_release(g, "http://h5.test/"); /* an extra release is harmless */
    CHECK(hostgate_acquire(g, "http://h5.test/", 0));
    CHECK(!hostgate_acquire(g, "http://h5.test/", 0));
    hostgate_free(g);
}
