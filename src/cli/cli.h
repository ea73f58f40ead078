/* The subcommands of the cinder binary. Each takes argv with argv[0] = the command name
 * and returns the process exit status. */
#ifndef CINDER_CLI_CLI_H
#define CINDER_CLI_CLI_H

/* cinder serve: run the API server. */
int cmd_serve(int argc, char **argv);

/* cinder scrape URL: fetch one page and print it. */
int cmd_scrape(int argc, char **argv);

/* cinder crawl URL: crawl a site without a server. */
int cmd_crawl(int argc, char **argv);

/* cinder convert FILE...: convert local HTML files to markdown. */
int cmd_convert(int argc, char **argv);

/* cinder keys create|list|revoke|credits: API keys and team credits in a data directory. */
int cmd_keys(int argc, char **argv);

#endif
