# The two commands: `make run` serves the app on http://127.0.0.1:3000 with the embedded
# defaults; `make test` runs every check CI runs. Both install what they need first.
.PHONY: run test build size load fmt

run:
	@scripts/setup.sh run
	cargo leptos build --release
	@mkdir -p data
	"$${CARGO_TARGET_DIR:-target}/release/cpd-registry" serve

test:
	@scripts/test.sh

build:
	@scripts/setup.sh run
	cargo leptos build --release

size: build
	node scripts/size.mjs /

load: build
	node scripts/load.mjs

fmt:
	cargo fmt --all
