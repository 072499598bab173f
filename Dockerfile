# vecu in a container: built with Rust, run on Debian slim as a non-root user, the root file
# system read-only friendly (everything written goes to /data, a volume).
#
#   docker build -t vecu .
#   sudo chown 10001 /etc/vecu/key && sudo chmod 600 /etc/vecu/key   # the image's user reads it
#   docker run --read-only -v vecu-data:/data -p 8080:8080 \
#     -v /etc/vecu/key:/run/secrets/vecu_key:ro -e VECU_KEY_FILE=/run/secrets/vecu_key vecu
#
# The key comes from a secret (a file, or VECU_ENCRYPTION_KEY), never from the data volume: a
# backup of the volume must not open the contacts it holds.

# The build image has pkg-config and libssl-dev: libpq is built with the system's OpenSSL.
FROM rust:1-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin vecu

FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates curl libssl3 \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin vecu \
    && mkdir -p /data && chown vecu:vecu /data
COPY --from=build /src/target/release/vecu /usr/local/bin/vecu
USER vecu
WORKDIR /data
VOLUME /data
ENV VECU_DATABASE_URL=/data/vecu.db \
    VECU_BIND=0.0.0.0:8080 \
    HOME=/data
EXPOSE 8080
# The port VECU_BIND names, so that `-e VECU_BIND=...` moves the check with the service.
HEALTHCHECK --interval=30s --timeout=5s --retries=3 \
    CMD curl -fsS "http://127.0.0.1:${VECU_BIND##*:}/healthz" || exit 1
ENTRYPOINT ["/usr/local/bin/vecu"]
CMD ["serve"]
