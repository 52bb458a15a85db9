# Image for docker-compose.yml's demo.
FROM swift:6.3 AS build
WORKDIR /src
COPY . .
RUN swift build -c release --static-swift-stdlib --product traefik
FROM debian:bookworm-slim
COPY --from=build /src/.build/release/traefik /usr/local/bin/traefik
EXPOSE 80 8080
ENTRYPOINT ["/usr/local/bin/traefik"]
