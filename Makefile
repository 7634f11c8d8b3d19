# The two commands: `make run` serves the app on http://127.0.0.1:3000 with the embedded
# defaults; `make test` runs every check CI runs. Both install what they need first.
.PHONY: run test check dev build size load bench fmt

run:
	@scripts/setup.sh run
	cargo leptos build --release
	@mkdir -p data
	"$${CARGO_TARGET_DIR:-target}/release/cpd-registry" serve

test:
	@scripts/test.sh

# The fast loop while working: format, module cycles, clippy, unit tests and the SQLite
# half of the integration tests (no PostgreSQL, S3 or browser needed; those run in `make test`).
check:
	@scripts/check.sh

# Serves the app and rebuilds it on every change (cargo leptos watch).
dev:
	@scripts/setup.sh run
	@mkdir -p data
	cargo leptos watch

build:
	@scripts/setup.sh run
	cargo leptos build --release

size: build
	node scripts/size.mjs /

load: build
	node scripts/load.mjs

# The firm overview with 500 people × 50 entries, on SQLite and a throwaway PostgreSQL;
# then a 10 MB upload to the local backend (throughput, server memory); then the annual
# report worker on 100 entries and 100 certificates, against qpdf; then a person's history of
# 500 courses and 200 certificates (about 200 MB) brought in and exported; backup and restore
# of 10,000 people × 50 courses and 1 GB of files (SQLite, and into PostgreSQL).
bench:
	@pg_env=$$(scripts/postgres.sh start) && eval "$$pg_env" && \
	  cargo bench -p server --bench firm_overview && cargo bench -p server --bench backup; \
	  rc=$$?; scripts/postgres.sh stop "$$PG_TEST_DIR"; [ $$rc = 0 ] || exit $$rc
	cargo bench -p server --bench upload
	cargo bench -p server --bench report
	cargo bench -p server --bench export

fmt:
	cargo fmt --all
