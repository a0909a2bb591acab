# flashcard_schema: build with PGXS (make PG_CONFIG=/path/to/pg_config to pick a server)

EXTENSION = flashcard_schema
# The directory of this Makefile: builds may run elsewhere (pg_buildext builds
# in build-NN/ with make -f ../Makefile VPATH=..), so files are found from here.
TOP := $(patsubst %/,%,$(dir $(abspath $(firstword $(MAKEFILE_LIST)))))
MODULE_big = flashcard_schema
OBJS = src/flashcard_schema.o src/blockers.o src/contract.o src/contract_data.o src/verify.o src/deparse.o src/drop_guard.o src/citus.o src/replication.o src/install_check.o src/extension.o src/catalog.o src/tle_check.o
# The schema contract is declared once, in contract/*.tsv; its C form is
# generated at build time (in the build directory: src/contract_data.c).
CONTRACT = $(sort $(wildcard $(TOP)/contract/*.tsv))
EXTRA_CLEAN = src/contract_data.c src/contract_revisions.h

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
# The generated src/contract_data.c (in the build directory) includes contract.h;
# the sources include the generated src/contract_revisions.h
PG_CPPFLAGS += -I$(TOP)/src -I$(CURDIR)/src

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
# The library's version is compiled in from the control file: a new
# default_version must rebuild the objects, or the library reports the old one.
$(OBJS): $(TOP)/$(EXTENSION).control

# A VPATH build puts the objects in src/ under the build directory.
# (An absolute name: make would find the source's src/ through VPATH.)
$(OBJS): | $(CURDIR)/src
$(CURDIR)/src:
	mkdir -p $@

# The C contract, generated from the declaration.  perl: PostgreSQL's build
# tools need it anyway (Debian's postgresql-common depends on it).
src/contract_data.c: $(TOP)/contract/gen_contract.pl $(CONTRACT) | $(CURDIR)/src
	perl $(TOP)/contract/gen_contract.pl $(TOP)/contract $@
src/contract_revisions.h: $(TOP)/contract/gen_contract.pl $(TOP)/contract/revisions.tsv | $(CURDIR)/src
	perl $(TOP)/contract/gen_contract.pl --revisions $(TOP)/contract $@
# (the bitcode files too: with_llvm builds them by a rule of their own)
$(OBJS) $(OBJS:.o=.bc): src/contract_revisions.h

# Tests against a running server, found by the PG* variables (PGHOST,
# PGPORT, PGUSER...) as for installcheck.  Each kind has its home here;
# test/bin/run.sh calls these.  See test/README.md.
#
#   make installcheck                    pg_regress: sql/, expected/
#   make pgtap [PGTAP_TESTS=test/pgtap/x.sql] [PGTAP_FLAGS=-j2]
#                                        pgTAP files, by pg_prove, each in a copy of
#                                        database $(PGTAP_DB) (test/lib/pgtap_psql.sh)
#   make prove [PROVE_TESTS=test/t/x.t] [PROVE_FLAGS=-j2]
#                                        scripted TAP tests (bash, Python)
#   make prove-cluster [PROVE_TESTS=test/t/cluster/x.t] [PROVE_FLAGS=-j3]
#                                        multi-server tests: servers of their own
#                                        (PostgreSQL::Test::Cluster, as a non-root user)
PGTAP_DB = pgtap_tests
# Files that mostly wait (lock timeouts) or loop go first, so that with
# PGTAP_FLAGS=-jN the others run beside them.
PGTAP_FIRST = test/pgtap/data_locks.sql test/pgtap/data_1_4.sql test/pgtap/verify_memory.sql
PGTAP_ALL = $(patsubst $(TOP)/%,%,$(sort $(wildcard $(TOP)/test/pgtap/*.sql)))
PGTAP_TESTS = $(filter $(PGTAP_FIRST),$(PGTAP_ALL)) $(filter-out $(PGTAP_FIRST),$(PGTAP_ALL))
PGTAP_FLAGS =

# Start a new revision: contract/revisions.tsv, default_version, and stubs of
# its scripts and pgTAP contract file (docs/adding-a-revision.md).
.PHONY: revision
revision:
	sh $(TOP)/contract/new_revision.sh $(TOP) "$(REVISION)"

# The contract's facts as documentation (docs/contract-facts.md), from the
# same declaration; test/t/contract_declaration.t fails while it is stale.
.PHONY: docs
docs:
	perl $(TOP)/contract/gen_docs.pl $(TOP)/contract $(TOP)/docs/contract-facts.md

.PHONY: pgtap prove prove-cluster
pgtap:
	$(bindir)/dropdb --if-exists $(PGTAP_DB)
	$(bindir)/createdb -E UTF8 -T template0 --lc-collate=C --lc-ctype=C $(PGTAP_DB)
	$(bindir)/psql -X -q -d $(PGTAP_DB) -c 'CREATE EXTENSION pgtap'
	cd $(TOP) && PGTAP_PSQL=$(bindir)/psql pg_prove --psql-bin test/lib/pgtap_psql.sh \
		$(PGTAP_FLAGS) -d $(PGTAP_DB) $(PGTAP_TESTS); \
	status=$$?; \
	for f in $(PGTAP_TESTS); do n=$${f##*/}; \
		$(bindir)/dropdb --if-exists --force $(PGTAP_DB)_$${n%.sql} 2>/dev/null || status=1; done; \
	exit $$status

prove:
	cd $(TOP) && PATH="$(bindir):$$PATH" $(PROVE) $(PROVE_FLAGS) $(if $(PROVE_TESTS),$(PROVE_TESTS),test/t/*.t)

# PGXS's own TAP rule (TESTDIR, PG_REGRESS, the TAP modules of the server's
# PGXS directory); the tests find the repository through FLASHCARD_SCHEMA_TOP.
prove-cluster: PROVE_TESTS = test/t/cluster/*.t
prove-cluster: export FLASHCARD_SCHEMA_TOP = $(TOP)
prove-cluster:
	$(prove_installcheck)

# The pg_tle flavor for managed servers (docs/managed.md): one migration per
# release, tle/flashcard_schema-tle--<version>.sql, generated from the released
# scripts and the contract (contract/*.tsv) by tle/generate.  Never edited and never committed
# (.gitignore): a release's migration is what make tle writes from its tree.
.PHONY: tle
tle:
	python3 $(TOP)/tle/generate --pg-config $(PG_CONFIG)
