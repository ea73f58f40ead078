/* Tests of the SQLite backend itself (the store contract suite, store_*_test.c, runs on every
 * backend): schema upgrades of databases written by older versions. */
#include "test.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <sqlite3.h>

#include "model/items.h"
#include "store/store_jobs.h"

TEST(items_schema_upgrades_a_version_1_database)
{
    char dir[64] = "/tmp/cinder-upgrade-XXXXXX";
    REQUIRE(mkdtemp(dir));
    char path[128];
    snprintf(path, sizeof path, "%s/cinder.db", dir);
    sqlite3 *db = NULL;
    REQUIRE(sqlite3_open(path, &db) == SQLITE_OK);
    const char *v1 =
        "CREATE TABLE jobs (id TEXT PRIMARY KEY, kind INTEGER NOT NULL, status INTEGER NOT NULL,"
        " api_version INTEGER NOT NULL DEFAULT 1, created_ms INTEGER NOT NULL,"
        " finished_ms INTEGER NOT NULL DEFAULT 0, expires_ms INTEGER NOT NULL,"
        " expired INTEGER NOT NULL DEFAULT 0, url TEXT, options TEXT, error TEXT, error_code TEXT,"
        " total INTEGER NOT NULL DEFAULT 0, completed INTEGER NOT NULL DEFAULT 0,"
        " failed INTEGER NOT NULL DEFAULT 0);"
        "CREATE INDEX jobs_expiry ON jobs(expired, expires_ms);"
        "CREATE TABLE documents (job_id TEXT NOT NULL, seq INTEGER NOT NULL, compressed INTEGER"
        " NOT NULL, raw_len INTEGER NOT NULL, body BLOB NOT NULL, PRIMARY KEY (job_id, seq))"
        " WITHOUT ROWID;"
        "INSERT INTO jobs(id,kind,status,created_ms,expires_ms,url) VALUES"
        " ('123e4567-e89b-42d3-a456-426614174000',1,2,1,9999999999999,'https://old.example/');"
        "PRAGMA user_version=1;";
    CHECK_INT(sqlite3_exec(db, v1, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    store_t *st = NULL;
    REQUIRE(store_open(dir, &st) == CINDER_OK);
    store_job_t j;
    CHECK_INT(store_job_get(st, "123e4567-e89b-42d3-a456-426614174000", &j), CINDER_OK);
    CHECK_STR(j.url, "https://old.example/");
    CHECK_INT(j.admitted, 0);
    store_job_cleanup(&j);
    model_item_new_t in = {"https://old.example/a", "a", 0, NULL};
    CHECK_INT(model_items_add(st, "123e4567-e89b-42d3-a456-426614174000", &in, 1, -1, 1, NULL),
              CINDER_OK);
    store_close(st);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK_INT(system(cmd), 0);
}
