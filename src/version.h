/* cinder's version string. */
#ifndef CINDER_VERSION_H
#define CINDER_VERSION_H

#define CINDER_VERSION    "0.1.0"
#define CINDER_USER_AGENT "cinder/" CINDER_VERSION " (+https://github.com/cinder-crawler/cinder)"

#endif
