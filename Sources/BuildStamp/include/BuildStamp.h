#ifndef TRAEFIK_BUILD_STAMP_H
#define TRAEFIK_BUILD_STAMP_H

/// What `make release` stamped into the binary; an empty string when a plain `swift build` made it.
const char *traefik_build_version(void);
const char *traefik_build_commit(void);
const char *traefik_build_date(void);

#endif
