# swift-traefik image: built with the Swift toolchain, run from a slim base holding only the static, stripped
# binary (it needs libc, libm, libstdc++ and libgcc_s, all in debian:bookworm-slim; no Swift runtime).
#   docker build --build-arg VERSION=1.0.0 --build-arg COMMIT=$(git rev-parse --short=12 HEAD) -t swift-traefik .
# docker-compose.yml's demo builds it.
FROM swift:6.3-bookworm AS build
WORKDIR /src
COPY . .
ARG VERSION=""
ARG COMMIT=""
RUN TRAEFIK_BUILD_VERSION="$VERSION" TRAEFIK_BUILD_COMMIT="$COMMIT" \
      TRAEFIK_BUILD_DATE="$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
      swift build -c release -Xswiftc -enforce-exclusivity=unchecked --static-swift-stdlib --product traefik \
    && strip -o /traefik .build/release/traefik

FROM debian:bookworm-slim
# CA certificates for https:// backends.
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates && rm -rf /var/lib/apt/lists/*
COPY --from=build /traefik /usr/local/bin/traefik
EXPOSE 80 8080
ENTRYPOINT ["/usr/local/bin/traefik"]
CMD ["--configFile=/etc/traefik/traefik.toml"]
