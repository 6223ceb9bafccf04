# micropay: the front door. `make help` lists the targets.

SHELL       := /bin/bash
.SHELLFLAGS := -o pipefail -c

MVN      ?= mvn
MVNFLAGS ?= -B -ntp -Dstyle.color=never
SSL_DIR  ?= ssl
PKI      := bin/pki

.DEFAULT_GOAL := help
.PHONY: help build test certs demo demo-cluster clean fuzz soak bench

# The JVM that runs the load generator and the server it starts (build is always --release 17).
BENCH_JAVA  ?= java
FUZZ_LINES  ?= 1000000
SOAK_CYCLES ?= 50
SYSTEM_TEST := $(MVN) $(MVNFLAGS) -pl system-tests -am verify -Dsurefire.failIfNoSpecifiedTests=false

help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z][a-z-]*:.*## / {printf "  make %-8s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

# Maven 3.8 prints stray ANSI resets even in quiet batch mode; strip them from quiet runs.
STRIP_ANSI := sed -u 's/\x1b\[[0-9;]*m//g'

build: ## compile and package every program (bin/pki, bin/payment-server, bin/payment-peer)
	@$(MVN) $(MVNFLAGS) -q -DskipTests package 2>&1 | $(STRIP_ANSI)

test: ## run every test (unit, integration over loopback TLS, openssl interop)
	$(MVN) $(MVNFLAGS) verify

certs: build ## make a CA, a server certificate and demo peers alice and bob in ssl/ (keeps an existing CA)
	@if [ -f $(SSL_DIR)/ca.crt ]; then echo "keeping the existing CA in $(SSL_DIR)/"; \
	  else $(PKI) init --dir $(SSL_DIR); fi
	@if [ -f $(SSL_DIR)/server.crt ]; then echo "keeping $(SSL_DIR)/server.crt"; \
	  else $(PKI) issue server --dir $(SSL_DIR); fi
	@for name in alice bob; do \
	  if [ -f $(SSL_DIR)/peers/$$name.crt ]; then echo "keeping $(SSL_DIR)/peers/$$name.crt"; \
	  else $(PKI) issue peer $$name --dir $(SSL_DIR) || exit 1; fi; \
	done

demo: certs ## build, certificates, server, two peers, a payment, balances shown
	@bin/demo

demo-cluster: certs ## two servers on a throwaway PostgreSQL (needs the postgresql package), a payment across them
	@bin/demo-cluster

fuzz: ## fuzz the codec and a live session with FUZZ_LINES lines (default 1000000)
	$(SYSTEM_TEST) -Dtest=SessionFuzzTest -Dmicropay.fuzz.lines=$(FUZZ_LINES)
	@cat system-tests/target/hostile-figures.txt

soak: ## kill -9 the server SOAK_CYCLES times (default 50) under load; check the books each time
	$(SYSTEM_TEST) -Dtest=KillRestartSoakTest -Dmicropay.soak.cycles=$(SOAK_CYCLES)
	@cat system-tests/target/hostile-figures.txt

bench: build ## measure handshakes, transfers, P2P, held sessions and the ledger (BENCH_ARGS=--help)
	$(BENCH_JAVA) -jar loadgen/target/loadgen.jar $(BENCH_ARGS)

clean: ## remove build output (keeps ssl/ and data/)
	@$(MVN) $(MVNFLAGS) -q clean 2>&1 | $(STRIP_ANSI)
