/* director/version.h - the tandem version string shown by -v and in status replies. */
#ifndef DIR_VERSION_H
#define DIR_VERSION_H
#define TANDEM_VERSION "0.1.0"
#endif
