/* gen_org.h: one accounting unit the generator books for: its name, books
 * (行政 or 事业), staff, suppliers, and the counters that keep its invoice and
 * contract numbers unique. Everything is derived from the unit's index and
 * the seed, so units never depend on one another. */
#ifndef VOUCH_GEN_ORG_H
#define VOUCH_GEN_ORG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gen_rng.h"

#define VOUCH_GEN_STAFF 40
#define VOUCH_GEN_NAME 24 /* a person's name, UTF-8 */

/* Suppliers by trade: the kind of goods or services they sell. */
typedef enum {
    VOUCH_GEN_T_OFFICE,     /* 办公设备 */
    VOUCH_GEN_T_STATIONERY, /* 文化用品 */
    VOUCH_GEN_T_PRINT,      /* 印务 */
    VOUCH_GEN_T_CONSULT,    /* 信息咨询 */
    VOUCH_GEN_T_PROPERTY,   /* 物业服务 */
    VOUCH_GEN_T_BUILD,      /* 建筑装饰工程 */
    VOUCH_GEN_T_MACHINE,    /* 机电设备 */
    VOUCH_GEN_T_ESTATE,     /* 置业 (rents out rooms) */
    VOUCH_GEN_T_MATERIAL,   /* 科技 (special materials) */
    VOUCH_GEN_T_MEDIA,      /* 文化传媒 */
    VOUCH_GEN_T_SOFTWARE,   /* 软件 */
    VOUCH_GEN_T_TRADE,      /* 商贸 */
    VOUCH_GEN_T_HR,         /* 人力资源服务 */
    VOUCH_GEN_T_HOTEL,      /* 酒店管理 */
    VOUCH_GEN_T_GARAGE,     /* 汽车服务 */
    VOUCH_GEN_T_COUNT
} vouch_gen_trade_t;

/* background suppliers per trade: the split guard keeps one window each */
#define VOUCH_GEN_SUPPLIERS 16

typedef struct {
    int index;
    char name[96];
    char city[16]; /* 郴州 */
    const char *func_code;
    bool institution;  /* 事业单位: 7201 事业支出; else 行政单位: 7101 行政支出 */
    bool paying_words; /* 付/转 voucher words instead of 记 */
    const char *bud_code, *bud_name;
    char staff[VOUCH_GEN_STAFF][VOUCH_GEN_NAME];
    int staff_dept[VOUCH_GEN_STAFF];
    char preparer[2][VOUCH_GEN_NAME], reviewer[2][VOUCH_GEN_NAME];
    const char *const *depts;
    size_t ndepts;
    uint64_t invoice_seq, contract_seq;
    int planted_suppliers; /* names handed out to planted findings */
} vouch_gen_org_t;

/* How many units have a name of their own (cities x bureaus). */
int vouch_gen_org_count(void);

void vouch_gen_org_init(vouch_gen_org_t *self, int index, uint64_t seed);

/* a member of staff (index into staff) */
int vouch_gen_org_person(const vouch_gen_org_t *self, vouch_gen_rng_t *rng);
const char *vouch_gen_org_dept(const vouch_gen_org_t *self, int person);

/* A background supplier of trade t (number below VOUCH_GEN_SUPPLIERS), into
 * out; background names start with the unit's city. */
void vouch_gen_org_supplier(const vouch_gen_org_t *self, vouch_gen_trade_t t, int number, char *out,
                            size_t size);

/* A supplier no other voucher of the unit pays: planted findings take one
 * each so that no background line joins their sums. Names start with 湖南. */
void vouch_gen_org_planted_supplier(vouch_gen_org_t *self, vouch_gen_trade_t t, char *out,
                                    size_t size);

/* a hotel or restaurant of the unit's city (receptions, meetings) */
const char *vouch_gen_org_hotel(const vouch_gen_org_t *self, vouch_gen_rng_t *rng, char *out,
                                size_t size);

/* a fresh invoice number: 20-digit e-invoices, some 8-digit paper ones */
void vouch_gen_org_invoice(vouch_gen_org_t *self, vouch_gen_rng_t *rng, char *out, size_t size);

/* a fresh contract number: PREFIX-YEAR-NNNN */
void vouch_gen_org_contract(vouch_gen_org_t *self, const char *prefix, int year, char *out,
                            size_t size);

/* a bank account number for a name: persons' cards start 6217, units' 4300 */
void vouch_gen_org_account(const char *name, bool person, char *out, size_t size);

/* A random person's name outside the unit's staff (劳务费 payees), into out. */
void vouch_gen_org_outsider(vouch_gen_rng_t *rng, char *out, size_t size);

/* name pools other parts pick from */
extern const char *const vouch_gen_cities[];
extern const size_t vouch_gen_ncities;

#endif
