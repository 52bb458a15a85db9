// The values come from Package.swift, which reads them from the environment `make release` sets; C because a
// Swift compilation condition cannot carry a string.
#include "BuildStamp.h"

#ifndef TRAEFIK_BUILD_VERSION
#define TRAEFIK_BUILD_VERSION ""
#endif
#ifndef TRAEFIK_BUILD_COMMIT
#define TRAEFIK_BUILD_COMMIT ""
#endif
#ifndef TRAEFIK_BUILD_DATE
#define TRAEFIK_BUILD_DATE ""
#endif

const char *traefik_build_version(void) { return TRAEFIK_BUILD_VERSION; }
const char *traefik_build_commit(void) { return TRAEFIK_BUILD_COMMIT; }
const char *traefik_build_date(void) { return TRAEFIK_BUILD_DATE; }
