/* gen_org.c: the units, their people and suppliers. Person names never hold
 * a character the rules read (车, 租, 培...) nor end like an organisation
 * (店, 厂, 社...), so that a name in a summary or a payee cell can never make
 * a finding the generator did not plant. */
#include "gen_org.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const vouch_gen_cities[] = {
    "郴州", "衡阳",   "怀化", "邵阳",   "株洲", "湘潭", "岳阳", "常德", "益阳", "娄底",
    "永州", "张家界", "汨罗", "冷水江", "耒阳", "浏阳", "醴陵", "湘乡", "沅江", "武冈",
};
const size_t vouch_gen_ncities = sizeof vouch_gen_cities / sizeof vouch_gen_cities[0];

/* bureau, functional classification of its running costs, 事业单位? */
static const struct {
    const char *name;
    const char *func;
    bool institution;
} s_bureaus[] = {
    {"人力资源和社会保障局", "2080101", false},
    {"财政局", "2010601", false},
    {"教育局", "2050101", false},
    {"民政局", "2080201", false},
    {"卫生健康委员会", "2100101", false},
    {"自然资源和规划局", "2200101", false},
    {"住房和城乡建设局", "2120101", false},
    {"交通运输局", "2140101", false},
    {"农业农村局", "2130101", false},
    {"水利局", "2130301", false},
    {"公共就业服务中心", "2080109", true},
    {"文化旅游广电体育局", "2070101", false},
    {"市场监督管理局", "2013801", false},
    {"司法局", "2040601", false},
    {"统计局", "2010501", false},
    {"审计局", "2010801", false},
    {"疾病预防控制中心", "2100401", true},
    {"生态环境局", "2110101", false},
    {"应急管理局", "2240101", false},
    {"退役军人事务局", "2082701", false},
    {"医疗保障局", "2101501", false},
    {"机关事务服务中心", "2010350", true},
    {"林业局", "2130201", false},
    {"商务局", "2011301", false},
};
#define S_NBUREAUS (sizeof s_bureaus / sizeof s_bureaus[0])

static const char *const s_depts[] = {
    "办公室",   "规划财务科", "政策法规科", "人事科",   "综合科",
    "业务一科", "业务二科",   "监督检查科", "信息中心",
};

static const char *const s_surnames[] = {
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡",
    "郭", "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹",
    "彭", "曾", "肖", "田", "董", "袁", "潘", "蒋", "蔡", "余", "杜", "叶", "程", "苏", "魏",
    "吕", "丁", "任", "沈", "姚", "卢", "姜", "崔", "钟", "谭", "陆", "汪", "范", "廖", "欧阳",
};
static const char *const s_given[] = {
    "伟",   "芳",   "娜",   "敏",   "静",   "丽",   "强",   "磊",   "军",   "洋",   "勇",
    "艳",   "杰",   "娟",   "涛",   "明",   "超",   "秀英", "霞",   "平",   "刚",   "桂英",
    "华",   "建国", "志远", "海涛", "红梅", "雅琴", "卫东", "春生", "德明", "国平", "建军",
    "丽华", "晓明", "文",   "斌",   "辉",   "玲",   "颖",   "鹏",   "宇",   "浩",   "凯",
    "婷",   "雪",   "琳",   "欣",   "慧",   "峰",   "燕",   "波",   "亮",   "红",   "林",
    "晓燕", "子涵", "思远", "嘉怡", "一鸣", "振华", "文静", "建华", "秋云", "海燕", "永红",
};

/* background brands; planted ones are built from two other lists */
static const char *const s_brands[VOUCH_GEN_SUPPLIERS] = {
    "华信", "恒安", "鑫源", "宏达", "金桥", "中环", "博远", "天成",
    "瑞丰", "德润", "永兴", "盛世", "长城", "嘉禾", "汇通", "启明",
};
static const char *const s_planted_a[] = {"锦", "裕", "正", "立", "泰", "祥", "安",
                                          "同", "远", "腾", "弘", "中", "蓝", "卓",
                                          "众", "海", "鼎", "志", "宏", "恒"};
static const char *const s_planted_b[] = {"程", "隆", "和", "信", "达", "瑞", "丰",
                                          "创", "航", "飞", "毅", "科", "天", "越",
                                          "邦", "纳", "盛", "诚", "图", "通"};
#define S_NPA (sizeof s_planted_a / sizeof s_planted_a[0])
#define S_NPB (sizeof s_planted_b / sizeof s_planted_b[0])

static const char *const s_trades[VOUCH_GEN_T_COUNT] = {
    [VOUCH_GEN_T_OFFICE] = "办公设备",   [VOUCH_GEN_T_STATIONERY] = "文化用品",
    [VOUCH_GEN_T_PRINT] = "印务",        [VOUCH_GEN_T_CONSULT] = "信息咨询",
    [VOUCH_GEN_T_PROPERTY] = "物业服务", [VOUCH_GEN_T_BUILD] = "建筑装饰工程",
    [VOUCH_GEN_T_MACHINE] = "机电设备",  [VOUCH_GEN_T_ESTATE] = "置业",
    [VOUCH_GEN_T_MATERIAL] = "科技",     [VOUCH_GEN_T_MEDIA] = "文化传媒",
    [VOUCH_GEN_T_SOFTWARE] = "软件",     [VOUCH_GEN_T_TRADE] = "商贸",
    [VOUCH_GEN_T_HR] = "人力资源服务",   [VOUCH_GEN_T_HOTEL] = "酒店管理",
    [VOUCH_GEN_T_GARAGE] = "汽车服务",
};

static const char *const s_hotels[] = {"宾馆", "国际大酒店", "迎宾馆",
                                       "饭店", "会议中心",   "大酒店"};

int vouch_gen_org_count(void)
{
    return (int)(vouch_gen_ncities * S_NBUREAUS);
}

static void s_person(vouch_gen_rng_t *rng, char *out, size_t size)
{
    snprintf(out, size, "%s%s", VOUCH_GEN_PICK(rng, s_surnames), VOUCH_GEN_PICK(rng, s_given));
}

void vouch_gen_org_outsider(vouch_gen_rng_t *rng, char *out, size_t size)
{
    s_person(rng, out, size);
}

void vouch_gen_org_init(vouch_gen_org_t *self, int index, uint64_t seed)
{
    memset(self, 0, sizeof *self);
    self->index = index;
    int n = vouch_gen_org_count();
    int i = index % n;
    int city = i % (int)vouch_gen_ncities, bureau = (i / (int)vouch_gen_ncities) % (int)S_NBUREAUS;
    snprintf(self->city, sizeof self->city, "%s", vouch_gen_cities[city]);
    /* past the named units, a number keeps names apart (benchmarks only) */
    if (index < n)
        snprintf(self->name, sizeof self->name, "%s市%s", self->city, s_bureaus[bureau].name);
    else
        snprintf(self->name, sizeof self->name, "%s市%s第%d分局", self->city,
                 s_bureaus[bureau].name, index / n + 1);
    self->func_code = s_bureaus[bureau].func;
    self->institution = s_bureaus[bureau].institution;
    self->bud_code = self->institution ? "7201" : "7101";
    self->bud_name = self->institution ? "事业支出" : "行政支出";
    self->depts = s_depts;
    self->ndepts = sizeof s_depts / sizeof s_depts[0];

    vouch_gen_rng_t rng;
    vouch_gen_rng_init(&rng, seed, 0x0e6 + (uint64_t)index);
    self->paying_words = vouch_gen_rng_chance(&rng, 30);
    /* staff with names unique in the unit: a finding between two of them
     * must be between two people */
    for (int k = 0; k < VOUCH_GEN_STAFF; k++) {
        bool unique;
        do {
            s_person(&rng, self->staff[k], sizeof self->staff[k]);
            unique = true;
            for (int j = 0; j < k && unique; j++)
                unique = strcmp(self->staff[j], self->staff[k]) != 0;
        } while (!unique);
        self->staff_dept[k] = (int)vouch_gen_rng_below(&rng, self->ndepts);
    }
    /* the finance office: two who enter vouchers, two who review them */
    for (int k = 0; k < 2; k++) {
        snprintf(self->preparer[k], sizeof self->preparer[k], "%s", self->staff[k]);
        snprintf(self->reviewer[k], sizeof self->reviewer[k], "%s", self->staff[2 + k]);
        self->staff_dept[k] = self->staff_dept[2 + k] = 1; /* 规划财务科 */
    }
    self->invoice_seq = (uint64_t)index * 1000000000ull + 1;
    self->contract_seq = 1;
}

int vouch_gen_org_person(const vouch_gen_org_t *self, vouch_gen_rng_t *rng)
{
    (void)self;
    return (int)vouch_gen_rng_below(rng, VOUCH_GEN_STAFF);
}

const char *vouch_gen_org_dept(const vouch_gen_org_t *self, int person)
{
    return self->depts[self->staff_dept[person] % (int)self->ndepts];
}

void vouch_gen_org_supplier(const vouch_gen_org_t *self, vouch_gen_trade_t t, int number, char *out,
                            size_t size)
{
    snprintf(out, size, "%s市%s%s有限公司", self->city, s_brands[number % VOUCH_GEN_SUPPLIERS],
             s_trades[t]);
}

void vouch_gen_org_planted_supplier(vouch_gen_org_t *self, vouch_gen_trade_t t, char *out,
                                    size_t size)
{
    int k = self->planted_suppliers++;
    snprintf(out, size, "湖南%s%s%s有限公司", s_planted_a[k % S_NPA],
             s_planted_b[(k / S_NPA) % S_NPB], s_trades[t]);
}

const char *vouch_gen_org_hotel(const vouch_gen_org_t *self, vouch_gen_rng_t *rng, char *out,
                                size_t size)
{
    snprintf(out, size, "%s%s", self->city, VOUCH_GEN_PICK(rng, s_hotels));
    return out;
}

void vouch_gen_org_invoice(vouch_gen_org_t *self, vouch_gen_rng_t *rng, char *out, size_t size)
{
    uint64_t n = self->invoice_seq++;
    if (vouch_gen_rng_chance(rng, 85))
        snprintf(out, size, "2243%04d%012llu", 2000 + (int)(n % 23), (unsigned long long)n);
    else /* a paper invoice's number: 8 digits, told apart by a leading 9 */
        snprintf(out, size, "9%07llu", (unsigned long long)(n % 10000000ull));
}

void vouch_gen_org_contract(vouch_gen_org_t *self, const char *prefix, int year, char *out,
                            size_t size)
{
    snprintf(out, size, "%s-%d-%04llu", prefix, year, (unsigned long long)self->contract_seq++);
}

void vouch_gen_org_account(const char *name, bool person, char *out, size_t size)
{
    /* FNV-1a: the same name has the same account in every voucher */
    uint64_t h = 0xcbf29ce484222325ull;
    for (const unsigned char *p = (const unsigned char *)name; *p; p++)
        h = (h ^ *p) * 0x100000001b3ull;
    if (person)
        snprintf(out, size, "6217%015llu", (unsigned long long)(h % 1000000000000000ull));
    else
        snprintf(out, size, "4300%016llu", (unsigned long long)(h % 10000000000000000ull));
}
