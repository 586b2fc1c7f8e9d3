# eqlrunner as a small, non-root image: a static binary on distroless.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/eqlrunner ./cmd/eqlrunner \
 && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/eqlrunner /usr/local/bin/eqlrunner
# The local back end's spool, signals and state; mount a volume here. The
# directory belongs to the nonroot user, so a new volume does too.
COPY --from=build --chown=65532:65532 /out/data /var/lib/eqlrunner
WORKDIR /var/lib/eqlrunner
USER nonroot:nonroot
ENTRYPOINT ["/usr/local/bin/eqlrunner"]
CMD ["run"]
