# flashcard_schema: build with PGXS (make PG_CONFIG=/path/to/pg_config to pick a server)

EXTENSION = flashcard_schema
# The directory of this Makefile: builds may run elsewhere (pg_buildext builds
# in build-NN/ with make -f ../Makefile VPATH=..), so files are found from here.
TOP := $(patsubst %/,%,$(dir $(abspath $(firstword $(MAKEFILE_LIST)))))
MODULE_big = flashcard_schema
OBJS = src/flashcard_schema.o src/contract.o src/verify.o src/drop_guard.o src/citus.o src/replication.o

# The versioned install, upgrade and downgrade scripts sit beside the control file.
DATA = $(sort $(notdir $(wildcard $(TOP)/$(EXTENSION)--*.sql)))

# The library's version is the control file's default_version: one home for it.
EXTVERSION := $(shell sed -n "s/^default_version *= *'\([^']*\)'.*/\1/p" $(TOP)/$(EXTENSION).control)
PG_CPPFLAGS = -DFLASHCARD_SCHEMA_VERSION='"$(EXTVERSION)"'
# Strict warnings for our code.  The server's headers are not written for
# -Wextra, so they are included as system headers (their warnings are not
# ours); PG_FUNCTION_ARGS leaves fcinfo unused by design.
PG_CFLAGS = -Wall -Wextra -Werror -Wno-unused-parameter
PG_CPPFLAGS += -isystem $(shell $(PG_CONFIG) --includedir-server)

REGRESS = $(patsubst $(TOP)/sql/%.sql,%,$(sort $(wildcard $(TOP)/sql/*.sql)))
# The test database is UTF8 whatever the server's locale (the extension
# refuses any other encoding).  Run it from the top directory: sql/identity.sql
# reads test/lib/ relative to it.
REGRESS_OPTS = --inputdir=$(TOP) --encoding=UTF8 --load-extension=plpgsql

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# PGXS does not track header dependencies: a struct changed in a header must
# rebuild every object that uses it.  (After the include: the first target
# stays PGXS's "all".)
$(OBJS): $(wildcard $(TOP)/src/*.h)

# A VPATH build puts the objects in src/ under the build directory.
# (An absolute name: make would find the source's src/ through VPATH.)
$(OBJS): | $(CURDIR)/src
$(CURDIR)/src:
	mkdir -p $@

# The pg_tle flavor for managed servers (docs/managed.md): one migration per
# release, tle/flashcard_schema-tle--<version>.sql, generated from the released
# scripts and src/contract.c by tle/generate.  Never edited and never committed
# (.gitignore): a release's migration is what make tle writes from its tree.
.PHONY: tle
tle:
	python3 $(TOP)/tle/generate --pg-config $(PG_CONFIG)
