/* sangong.h: 三公经费 of a unit's fiscal year as booked and as restated
 * (RULES.md "三公 totals"), added up from PostgreSQL: what `vouchctl report
 * sangong` prints and what vouchd's digests are to quote (issue 7). */
#ifndef VOUCH_SANGONG_H
#define VOUCH_SANGONG_H

#include <jansson.h>
#include <libpq-fe.h>

#include "error.h"
#include "policy_set.h"

/* What a report was refused for wanting (0, false: nothing). */
typedef enum {
    VOUCH_SANGONG_MISSING_NONE = 0,
    VOUCH_SANGONG_MISSING_UNIT,  /* no unit of that name */
    VOUCH_SANGONG_MISSING_LEDGER /* no ledger of the unit for that year */
} vouch_sangong_missing_t;

/* The 三公 report of org's fiscal year, as `vouchctl report sangong --format
 * json` prints it: {org, year, previous_year (year - 1 when a ledger of it is
 * loaded, else null), profile, policy_version, ledgers[], categories[] (each
 * {name, codes[], booked, moved_out, moved_in, restated, lines, previous
 * {booked, restated} or null, change {booked, restated, restated_pct} or
 * null}), total (a category without name and codes), moves[] (the lines
 * MISCLASS_EXPENSE moves, both years), notes[]}. Amounts are money strings
 * ("16925.00"). Each year's lines are read under the profile policies
 * (borrowed) chooses for org and that year; the categories are the report
 * year's, so that the two years compare.
 * Returns a new reference, or NULL with err set: *missing names what is
 * missing (err says it too), or is VOUCH_SANGONG_MISSING_NONE when a query
 * failed (err "query failed: " and PostgreSQL's message). */
json_t *vouch_sangong_report(PGconn *db, const vouch_policy_set_t *policies, const char *org,
                             int year, vouch_sangong_missing_t *missing, vouch_error_t *err);

#endif
