# flashcard_schema: build with PGXS (make PG_CONFIG=/path/to/pg_config to pick a server)

EXTENSION = flashcard_schema
MODULE_big = flashcard_schema
OBJS = src/flashcard_schema.o src/contract.o src/verify.o src/drop_guard.o

# The versioned install, upgrade and downgrade scripts sit beside the control file.
DATA = $(sort $(wildcard $(EXTENSION)--*.sql))

# The library's version is the control file's default_version: one home for it.
EXTVERSION := $(shell sed -n "s/^default_version *= *'\([^']*\)'.*/\1/p" $(EXTENSION).control)
PG_CPPFLAGS = -DFLASHCARD_SCHEMA_VERSION='"$(EXTVERSION)"'
# Strict warnings for our code.  The server's headers are not written for
# -Wextra, so they are included as system headers (their warnings are not
# ours); PG_FUNCTION_ARGS leaves fcinfo unused by design.
PG_CFLAGS = -Wall -Wextra -Werror -Wno-unused-parameter
PG_CPPFLAGS += -isystem $(shell $(PG_CONFIG) --includedir-server)

# PGXS does not track header dependencies: a struct changed in a header must
# rebuild every object that uses it.
$(OBJS): $(wildcard src/*.h)

REGRESS = $(patsubst sql/%.sql,%,$(sort $(wildcard sql/*.sql)))
REGRESS_OPTS = --inputdir=. --load-extension=plpgsql

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)
