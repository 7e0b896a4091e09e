# Parallel sessions kit. `make help` lists every target.
# User values (name=, component=, ...) are never expanded by make and never seen by a shell: make would
# expand `$(shell ...)` in a command-line variable when exporting it, so none is exported; the scripts
# read the raw values from MAKEFLAGS, where make keeps them as typed. No recipe below expands one.
.DEFAULT_GOAL := help
SHELL := /bin/sh
unexport $(foreach v,$(.VARIABLES),$(if $(filter command line,$(origin $(v))),$(v)))

KIT_DIR := $(patsubst %/,%,$(dir $(abspath $(lastword $(MAKEFILE_LIST)))))
KIT_STAMP := $(KIT_DIR)/node_modules/.kit-installed
# Commands run as prebuilt bundles (dist/cmd/*.mjs, rebuilt when a source changes): no tsx at run time.
KIT_RUN := node $(KIT_DIR)/dist/cmd
KIT_BUNDLES := $(KIT_DIR)/dist/.built
KIT_SOURCES := $(shell find '$(KIT_DIR)/scripts' -name '*.ts' -o -name '*.mjs')

.PHONY: help init new-session list-sessions ports end-session track monitor demo \
        sync sync-all conflicts finish-session test typecheck bench build deps

help: ## list the targets (this screen)
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  make %-16s %s\n", $$1, $$2}' $(KIT_DIR)/Makefile

init: $(KIT_BUNDLES) ## write parallel.config.yaml, .gitignore entry, WORK_LOG.md and CLAUDE.md section [repo=PATH]
	@$(KIT_RUN)/init.mjs

new-session: $(KIT_BUNDLES) ## start a session: name=NAME component=C [kind= base= mode= profile= shared=1 json=1]
	@$(KIT_RUN)/new-session.mjs

list-sessions: $(KIT_BUNDLES) ## one row per session [json=1]
	@$(KIT_RUN)/list-sessions.mjs

ports: $(KIT_BUNDLES) ## port leases and who really holds each port [json=1]
	@$(KIT_RUN)/ports.mjs

end-session: $(KIT_BUNDLES) ## end a session safely: name=NAME [force=1 json=1]
	@$(KIT_RUN)/end-session.mjs

track: $(KIT_BUNDLES) ## report for a session: event=start|heartbeat|error|complete|fail [workspace= session= progress= message= output= pid= dir= json=1]
	@node $(KIT_DIR)/dist/track.mjs

monitor: $(KIT_BUNDLES) ## dashboard of tracked sessions [workspace= session= watch=1 poll= wait=1 timeout= log=1 json=1 heartbeat_timeout= session_timeout=]
	@$(KIT_RUN)/monitor.mjs

demo: $(KIT_BUNDLES) ## three simulated sessions in a throwaway repository, watched live [keep=1]
	@$(KIT_RUN)/demo.mjs

sync: $(KIT_BUNDLES) ## rebase one session on the base: name=NAME [strategy=merge autostash=1 json=1]
	@$(KIT_RUN)/sync.mjs

sync-all: $(KIT_BUNDLES) ## rebase every session on the base [strategy=merge autostash=1 json=1]
	@$(KIT_RUN)/sync.mjs all=1

conflicts: $(KIT_BUNDLES) ## clashes between sessions, and with the base, before anyone merges [json=1]
	@$(KIT_RUN)/conflicts.mjs

finish-session: $(KIT_BUNDLES) ## rebase, test, push, mark READY FOR REVIEW: name=NAME [pr=1 merge=1]
	@$(KIT_RUN)/finish-session.mjs

test: $(KIT_STAMP) $(KIT_BUNDLES) ## type-check and run the test suite
	@cd $(KIT_DIR) && node_modules/.bin/tsc --noEmit && node_modules/.bin/vitest run

typecheck: $(KIT_STAMP) ## type-check only
	@cd $(KIT_DIR) && node_modules/.bin/tsc --noEmit

bench: $(KIT_BUNDLES) ## measure commands against raw git and node baselines
	@$(KIT_RUN)/bench.mjs

build: $(KIT_BUNDLES) ## build the prebuilt bundles (make does it when sources change)

deps: $(KIT_STAMP) ## install the dependencies (make does it when needed)

$(KIT_STAMP): $(KIT_DIR)/package-lock.json $(KIT_DIR)/package.json
	@node $(KIT_DIR)/scripts/install-deps.mjs

$(KIT_BUNDLES): $(KIT_STAMP) $(KIT_SOURCES)
	@node $(KIT_DIR)/scripts/build.mjs
