# The kit's commands as targets of a project's own Makefile: the block that the kit's `make init makefile=1`
# writes at the end of that Makefile includes this file, with PARALLEL_KIT set to the kit's folder.
# Every command is `make kit-<command>`, and `make <command>` too unless the project's own makefiles define a
# target of that name: that one stays the project's. Nothing below runs a program unless a goal is the kit's.
# The command itself runs in a make of the kit's own Makefile, which reads the options (name=...) from the
# command line as typed; this make only hands them on, exporting none of them.
parallel-kit-saved-goal := $(.DEFAULT_GOAL)
parallel-kit-makefiles := $(filter-out $(lastword $(MAKEFILE_LIST)),$(MAKEFILE_LIST))
parallel-kit-dir := $(subst $(eval) ,\ ,$(PARALLEL_KIT))
parallel-kit-q = '$(subst ','\'',$(1))'

# PARALLEL_KIT_COMMANDS, the commands of the kit's registry (generated; make remakes it when that changes).
include $(parallel-kit-dir)/dist/project-commands.mk
$(parallel-kit-dir)/dist/project-commands.mk: $(parallel-kit-dir)/scripts/lib/cli/commands.mjs $(parallel-kit-dir)/scripts/commands-mk.mjs
	@node $(call parallel-kit-q,$(PARALLEL_KIT)/scripts/commands-mk.mjs)

parallel-kit-run = PWD=$(call parallel-kit-q,$(PWD)) PARALLEL_KIT_FRONT=$(call parallel-kit-q,$(CURDIR)) PARALLEL_KIT_OWN='$(parallel-kit-own)' $(MAKE) -s --no-print-directory -f $(call parallel-kit-q,$(PARALLEL_KIT)/Makefile) $(1)

ifneq ($(filter $(PARALLEL_KIT_COMMANDS) kit-%,$(MAKECMDGOALS)),)
# The project's own targets among the kit's names, read as in scripts/lib/front/targets.ts.
parallel-kit-own := $(filter $(PARALLEL_KIT_COMMANDS),$(shell sed -n -e '/^[^#=:$$]*::*=/d' -e 's/^\([^[:space:]#=:$$][^#=:$$]*\):.*/\1/p' $(foreach f,$(parallel-kit-makefiles),$(call parallel-kit-q,$(f))) 2>/dev/null))
parallel-kit-goals := $(filter $(filter-out $(parallel-kit-own),$(PARALLEL_KIT_COMMANDS)) kit-%,$(MAKECMDGOALS))
ifneq ($(parallel-kit-goals),)
# `make new-session name=my feature`: `feature` would run after the session was made. Nothing runs.
parallel-kit-stray := $(filter-out $(parallel-kit-goals),$(MAKECMDGOALS))
ifneq ($(parallel-kit-stray),)
$(error '$(firstword $(parallel-kit-stray))' is not a kit command or key=value: quote a value that holds spaces (name='two words'), and give the kit's commands on their own)
endif
# make would expand $(shell ...) in a command-line value when exporting it to a recipe: export none.
unexport $(foreach v,$(.VARIABLES),$(if $(filter command line,$(origin $(v))),$(v)))
.PHONY: $(filter-out kit-%,$(parallel-kit-goals))
$(filter-out kit-%,$(parallel-kit-goals)):
	@$(call parallel-kit-run,$@)
endif
endif

kit-%:
	@$(if $(filter $*,$(PARALLEL_KIT_COMMANDS)),$(call parallel-kit-run,$*),echo "make: $@: the kit has no command '$*'; make kit-help lists them" >&2; exit 2)

.DEFAULT_GOAL := $(parallel-kit-saved-goal)
