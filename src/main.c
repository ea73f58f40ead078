/* cinder: command dispatch. */
#include <stdio.h>
#include <string.h>

#include <curl/curl.h>

#include "cli/cli.h"
#include "version.h"

static const struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} commands[] = {
    {"serve", cmd_serve, "run the API server (Firecrawl-compatible)"},
    {"scrape", cmd_scrape, "fetch one URL and print it as markdown"},
    {"crawl", cmd_crawl, "crawl a site without a server, writing markdown or JSON lines"},
    {"convert", cmd_convert, "convert local HTML files to markdown"},
    {"keys", cmd_keys, "create, list and revoke API keys; manage team credits"},
};

static void usage(FILE *out)
{
    fprintf(out,
            "cinder %s — a self-hosted crawling and scraping job server\n\n"
            "usage: cinder COMMAND [OPTIONS]\n\nCommands:\n",
            CINDER_VERSION);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "  %-10s %s\n\nRun 'cinder COMMAND --help' for a command's options.\n", "version",
            "print the version");
}

int main(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
        !strcmp(argv[1], "help")) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (!strcmp(argv[1], "version") || !strcmp(argv[1], "--version")) {
        printf("cinder %s (%s)\n", CINDER_VERSION, curl_version());
        return 0;
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    int status = 2;
    size_t i;
    for (i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(argv[1], commands[i].name))
            break;
    if (i < sizeof commands / sizeof commands[0])
        status = commands[i].run(argc - 1, argv + 1);
    else
        fprintf(stderr, "cinder: unknown command '%s' (see cinder --help)\n", argv[1]);
    curl_global_cleanup();
    return status;
}
