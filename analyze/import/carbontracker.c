/* Importer for carbontracker log directories (FORMATS.md §1, versions 1.x–2.4):
 * pairs <stem>_carbontracker.log (standard), <stem>_carbontracker_output.log
 * and <stem>_carbontracker_err.log by stem, one run per stem. Devices come
 * from the "components were found" line; per-epoch mean powers become two
 * 'imported' readings per device at the epoch's ends (energy = mean power ×
 * duration, PUE 1.0, as the log prints them); every predicted/actual block
 * goes to `reported` exactly as printed. Epoch times are rebuilt from the
 * log's 1-second line timestamps and the printed durations (10 ms): each
 * epoch ends at its "Epoch N:" line unless that would overlap the previous
 * one, in which case it is laid end to end after it; an epoch number seen
 * again is a further attempt. Quirks: docs/IMPORTERS.md "carbontracker". */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "analyze/import/util.h"
#include "analyze/import/importers.h"
#include "common/db.h"
#include "common/samples.h"
#include "common/store.h"
#include "common/util.h"

#define CT_MAX_COMP 8
#define CT_MAX_DEV 1024
#define CT_STD "_carbontracker.log"
#define CT_OUT "_carbontracker_output.log"
#define CT_ERR "_carbontracker_err.log"

/* A component whose devices carbontracker logs as ONE value that is already
 * their sum: stored as one device, never "corrected" for averaging. */
struct ct_parts {
	const char *comp;     /* component, lower case */
	const char *devices;  /* its device list exactly as logged */
	const char *vendor, *name, *flag;
	const char *stored;   /* config_json components.<comp>.stored */
};

static const struct ct_parts summed_parts[] = {
	/* Apple silicon (lfwa/carbontracker @ 8beb2b9,
	 * carbontracker/components/apple_silicon/powermetrics.py): AppleSiliconGPU
	 * names the devices ["GPU", "ANE"] but power_usage() returns the single
	 * value [GPU Power + ANE Power] read from one `powermetrics` sample. */
	{"gpu", "GPU, ANE", "apple", "GPU + ANE", "ct-apple-gpu-ane",
	 "one device: Apple silicon GPU and ANE, logged by carbontracker as one value that is already their sum"},
	{NULL, NULL, NULL, NULL, NULL, NULL},
};

struct ct_comp {
	char name[32];      /* lower case, as in "power usage (W) for gpu" */
	char **names;       /* device names from the "components were found" line */
	int nnames;
	int mode;           /* 0 not seen, 1 scalar (v2.x), 2 array (v1.x) */
	int nvals;          /* array length (mode 2) */
	int64_t first_line; /* line of the first value (for messages) */
	int64_t *dev_ids;
	int ndev;
	int sum_of;         /* stored power = logged value x sum_of (devices averaged by v2.x; else 1) */
	const struct ct_parts *parts; /* one value already the sum of the named devices; NULL not so */
	int none_epochs, missing_epochs;
};

struct ct_epoch {
	int64_t idx, line, line_ns;
	int64_t dur_ns;
	int has_dur;
	int npow[CT_MAX_COMP]; /* -1 no line, 0 None, > 0 values */
	double *pow[CT_MAX_COMP];
	int64_t start_ns, end_ns;
	int new_session;       /* first epoch after a later "Monitoring thread started." */
};

struct ct_block {
	const char *what;   /* 'predicted' or 'actual' */
	int epochs, has_epochs;
	double time_s, energy_kwh, co2_g, km, g_per_kwh;
	int has_time, has_energy, has_co2, has_km, has_g_per_kwh;
	int64_t line;
};

struct ct_run {
	const char *std, *out, *err;   /* paths or NULL */
	const char *cur;               /* file being parsed, for messages */
	struct ctk_tz *tz;
	const struct ctk_import_opts *o;
	char version[64];
	double pue;
	int has_pue;
	struct ct_comp comp[CT_MAX_COMP];
	int ncomp;
	struct ct_epoch *ep;
	int nep, capep;
	int interrupted, planned;
	int monitor_all;               /* "…before all -1 epochs…": monitor_epochs=-1, ended by stop() */
	int sessions;                  /* "Monitoring thread started." lines (> 1: sessions appended) */
	int session_pending;           /* a later session started: its first epoch is marked */
	int repeated;                  /* epochs whose number was seen before (further attempts) */
	int64_t first_repeat_line;
	int64_t max_idx;
	int64_t first_ns, last_ns, started_ns, ended_ns;
	int has_first, has_started, has_ended;
	int64_t prev_ns;
	int has_prev;
	cJSON *ci_list;
	double avg_ci;
	int has_avg_ci;
	char location[128];
	double last_ci;
	int has_last_ci;
	struct ct_block *blk;
	int nblk, capblk;
	int err_tracebacks;
	int shifted;
};

/* ---- small parsing helpers ---- */

static int fail_line(struct ct_run *r, int64_t line, const char *field, struct ctk_error *err,
		     const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Fail naming the file being parsed, the line and the field. */
static int fail_line(struct ct_run *r, int64_t line, const char *field, struct ctk_error *err,
		     const char *fmt, ...)
{
	char what[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	return ctk_failf(err, CTK_EINPUT, "'%s' line %lld: field '%s': %s", r->cur, (long long)line,
			 field, what);
}

/* "YYYY-MM-DD HH:MM:SS - " at the start of a line: length of the prefix
 * (22), 0 when the line does not start that way. */
static int ts_prefix(const char *s)
{
	static const char pat[] = "dddd-dd-dd dd:dd:dd - ";
	for (int i = 0; pat[i]; i++) {
		if (pat[i] == 'd' ? !isdigit((unsigned char)s[i]) : s[i] != pat[i])
			return 0;
	}
	return 22;
}

/* Parse "H:MM:SS(.ss)" with unbounded hours into ns; -1 when malformed. */
static int parse_hms(const char *s, int64_t *ns)
{
	char *end;
	long long h, m;
	double sec;

	while (*s == ' ' || *s == '\t')
		s++;
	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	h = strtoll(s, &end, 10);
	if (errno || *end != ':' || !isdigit((unsigned char)end[1]) || !isdigit((unsigned char)end[2]) || end[3] != ':')
		return -1;
	m = (end[1] - '0') * 10 + (end[2] - '0');
	if (m > 59 || h > 10000000)
		return -1;
	s = end + 4;
	if (!isdigit((unsigned char)s[0]) || !isdigit((unsigned char)s[1]))
		return -1;
	if (ctk_parse_double(s, &sec) || sec < 0 || sec >= 61)
		return -1;
	*ns = (h * 3600 + m * 60) * CTK_NS_PER_S + ctk_imp_s_to_ns(sec);
	return 0;
}

/* Parse a number that must end the string (after optional spaces). */
static int number_then(const char *s, const char *suffix, double *v)
{
	char buf[96];
	const char *e = suffix ? strstr(s, suffix) : s + strlen(s);
	size_t n;

	if (!e)
		return -1;
	n = (size_t)(e - s);
	if (n == 0 || n >= sizeof buf)
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (suffix) {
		const char *t = e + strlen(suffix);
		while (*t == ' ' || *t == '\t')
			t++;
		if (*t)
			return -1;
	}
	return ctk_parse_double(buf, v);
}

/* The number just before "gCO2/kWh" or "gCO2eq/kWh" in msg, if any. */
static int find_ci(const char *msg, double *v)
{
	const char *p = strstr(msg, " gCO2/kWh");
	if (!p)
		p = strstr(msg, " gCO2eq/kWh");
	if (!p || p == msg)
		return 0;
	const char *b = p;
	while (b > msg && (isdigit((unsigned char)b[-1]) || b[-1] == '.' || b[-1] == '-' || b[-1] == 'e' || b[-1] == '+'))
		b--;
	char buf[64];
	size_t n = (size_t)(p - b);
	if (n == 0 || n >= sizeof buf)
		return 0;
	memcpy(buf, b, n);
	buf[n] = '\0';
	return ctk_parse_double(buf, v) == 0;
}

static struct ct_comp *comp_get(struct ct_run *r, const char *name, size_t len, int64_t line,
				struct ctk_error *err, int *rc)
{
	*rc = 0;
	for (int i = 0; i < r->ncomp; i++)
		if (strlen(r->comp[i].name) == len && !strncasecmp(r->comp[i].name, name, len))
			return &r->comp[i];
	if (r->ncomp == CT_MAX_COMP || len == 0 || len >= sizeof r->comp[0].name) {
		*rc = fail_line(r, line, "component", err, "too many components or bad name");
		return NULL;
	}
	struct ct_comp *c = &r->comp[r->ncomp++];
	for (size_t i = 0; i < len; i++)
		c->name[i] = (char)tolower((unsigned char)name[i]);
	c->name[len] = '\0';
	return c;
}

/* "The following components were found: GPU with device(s) A, B. CPU with
 * device(s) cpu:0, dram:0." (carbontracker's own regex: " (.*?) with
 * device\(s\) (.*?)\."). Only the first such line counts. */
static int parse_components(struct ct_run *r, const char *s, int64_t line, struct ctk_error *err)
{
	static const char with[] = " with device(s) ";
	int rc;

	for (int i = 0; i < r->ncomp; i++)
		if (r->comp[i].nnames)
			return 0;
	while (*s) {
		while (*s == ' ')
			s++;
		const char *w = strstr(s, with);
		if (!w)
			break;
		struct ct_comp *c = comp_get(r, s, (size_t)(w - s), line, err, &rc);
		if (!c)
			return rc;
		const char *d = w + strlen(with), *e = strchr(d, '.');
		if (!e)
			return fail_line(r, line, "components", err, "device list of '%s' does not end with '.'", c->name);
		/* device names: comma-separated up to the dot */
		const char *p = d;
		while (p < e) {
			const char *q = memchr(p, ',', (size_t)(e - p));
			if (!q)
				q = e;
			while (p < q && *p == ' ')
				p++;
			if (c->nnames >= CT_MAX_DEV)
				return fail_line(r, line, "components", err, "more than %d devices", CT_MAX_DEV);
			char **nn = realloc(c->names, (size_t)(c->nnames + 1) * sizeof(*nn));
			if (!nn)
				return ctk_failf(err, CTK_ENOMEM, "out of memory");
			c->names = nn;
			if (!(c->names[c->nnames] = strndup(p, (size_t)(q - p))))
				return ctk_failf(err, CTK_ENOMEM, "out of memory");
			c->nnames++;
			p = q + 1;
		}
		for (int k = 0; summed_parts[k].comp; k++)
			if (!strcmp(c->name, summed_parts[k].comp) && strlen(summed_parts[k].devices) == (size_t)(e - d) &&
			    !strncmp(d, summed_parts[k].devices, (size_t)(e - d)))
				c->parts = &summed_parts[k];
		s = e + 1;
	}
	return 0;
}

/* One power value: a finite number >= 0 (fails naming field and text). */
static int power_value(struct ct_run *r, const char *s, int64_t line, const char *field, double *x,
		       struct ctk_error *err)
{
	if (ctk_parse_double(s, x))
		return fail_line(r, line, field, err, "not a number ('%s')", s);
	if (*x < 0)
		return fail_line(r, line, field, err, "negative power ('%s')", s);
	return 0;
}

/* The blank-separated numbers of buf (a numpy array without its
 * brackets; modified in place) appended to *vals / *n. */
static int power_array(struct ct_run *r, char *buf, int64_t line, const char *field, double **vals, int *n,
		       struct ctk_error *err)
{
	static const char blank[] = " \n\t";
	char *p = buf;
	int rc;

	while (*(p += strspn(p, blank))) {
		char *q = p + strcspn(p, blank), save = *q;
		double x, *nv;
		*q = '\0';
		if ((rc = power_value(r, p, line, field, &x, err)))
			return rc;
		if (!(nv = realloc(*vals, (size_t)(*n + 1) * sizeof(*nv))))
			return ctk_failf(err, CTK_ENOMEM, "out of memory");
		*vals = nv;
		(*vals)[(*n)++] = x;
		*q = save;
		p = q;
	}
	return *n ? 0 : fail_line(r, line, field, err, "empty array");
}

/* "[136.86 54.2 ]", "240.0" or "None" → values (malloc'd) and count
 * (0 for None). NaN, inf, negative values are errors. */
static int parse_power(struct ct_run *r, const char *v, int64_t line, const char *field,
		       double **vals, int *n, int *is_array, struct ctk_error *err)
{
	char *buf, *end;
	double x;
	int rc;

	*vals = NULL;
	*n = 0;
	*is_array = 0;
	v += strspn(v, " ");
	if (!strcmp(v, "None"))
		return 0;
	if (*v != '[') {
		if ((rc = power_value(r, v, line, field, &x, err)))
			return rc;
		if (!(*vals = malloc(sizeof(double))))
			return ctk_failf(err, CTK_ENOMEM, "out of memory");
		(*vals)[0] = x;
		*n = 1;
		return 0;
	}
	*is_array = 1;
	if (!(buf = strdup(v + 1)))
		return ctk_failf(err, CTK_ENOMEM, "out of memory");
	if (!(end = strrchr(buf, ']')))
		rc = fail_line(r, line, field, err, "array without ']' ('%.60s')", v);
	else if (end[1 + strspn(end + 1, " ")])
		rc = fail_line(r, line, field, err, "junk after ']' ('%.60s')", v);
	else {
		*end = '\0';
		rc = power_array(r, buf, line, field, vals, n, err);
	}
	free(buf);
	if (rc) {
		free(*vals);
		*vals = NULL;
		*n = 0;
	}
	return rc;
}

/* ---- line splitting ---- */

struct lines {
	char *buf;
	size_t len, pos;
	int64_t no;
	int last_unterminated; /* the line just returned had no '\n' */
};

/* Next line (NUL-terminated in place, '\r' stripped), NULL at the end. */
static char *next_line(struct lines *l)
{
	if (l->pos >= l->len)
		return NULL;
	char *s = l->buf + l->pos, *e = memchr(s, '\n', l->len - l->pos);
	l->no++;
	if (e) {
		*e = '\0';
		l->pos = (size_t)(e - l->buf) + 1;
		l->last_unterminated = 0;
	} else {
		l->pos = l->len;
		l->last_unterminated = 1;
	}
	size_t n = strlen(s);
	if (n && s[n - 1] == '\r')
		s[n - 1] = '\0';
	return s;
}

static char *peek_line(struct lines *l)
{
	return l->pos < l->len ? l->buf + l->pos : NULL;
}

/* Timestamp of a line, checked to never go backwards within a file. */
static int line_time(struct ct_run *r, const char *s, int64_t line, int64_t *t, struct ctk_error *err)
{
	char ts[20];

	memcpy(ts, s, 19);
	ts[19] = '\0';
	if (ctk_time_parse(ts, r->tz, t, err))
		return ctk_error_prefix(err, "'%s' line %lld: field 'timestamp': ", r->cur, (long long)line);
	if (r->has_prev && *t < r->prev_ns)
		return fail_line(r, line, "timestamp", err, "time goes backwards ('%s' is before the previous line)", ts);
	r->prev_ns = *t;
	r->has_prev = 1;
	if (!r->has_first || *t < r->first_ns)
		r->first_ns = *t;
	if (!r->has_first || *t > r->last_ns)
		r->last_ns = *t;
	r->has_first = 1;
	return 0;
}

/* ---- standard log ---- */

static struct ct_epoch *cur_epoch(struct ct_run *r)
{
	return r->nep ? &r->ep[r->nep - 1] : NULL;
}

/* One message of the standard log after its "TIME - " prefix: what follows
 * the matched pattern (arg), its line and time. l lets a handler take the
 * untimestamped continuation lines that follow (numpy arrays). Returns 0 or
 * a negative enum ctk_err. */
struct ct_msg {
	struct ct_run *r;
	struct lines *l;
	char *arg;
	int64_t line, t_ns;
};
typedef int (*ct_msg_fn)(const struct ct_msg *m, struct ctk_error *err);

/* The leading token of s (up to a space) as a NUL-terminated copy in buf;
 * -1 when empty or longer than size - 1. */
static int first_word(const char *s, char *buf, size_t size)
{
	size_t n = strcspn(s, " ");

	if (n == 0 || n >= size)
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return 0;
}

/* "carbontracker version X" */
static int on_version(const struct ct_msg *m, struct ctk_error *err)
{
	(void)err;
	snprintf(m->r->version, sizeof m->r->version, "%s", m->arg);
	return 0;
}

/* "Only predicted and actual consumptions are multiplied by a PUE coefficient of 1.58 (…)" */
static int on_pue(const struct ct_msg *m, struct ctk_error *err)
{
	char buf[32];

	if (first_word(m->arg, buf, sizeof buf))
		return fail_line(m->r, m->line, "PUE", err, "not a number");
	if (ctk_parse_double(buf, &m->r->pue) || m->r->pue < 1)
		return fail_line(m->r, m->line, "PUE", err, "not a PUE ('%s')", buf);
	m->r->has_pue = 1;
	return 0;
}

static int on_components(const struct ct_msg *m, struct ctk_error *err)
{
	return parse_components(m->r, m->arg, m->line, err);
}

static int on_started(const struct ct_msg *m, struct ctk_error *err)
{
	(void)err;
	m->r->sessions++;
	if (m->r->nep)
		m->r->session_pending = 1;
	if (!m->r->has_started) {
		m->r->started_ns = m->t_ns;
		m->r->has_started = 1;
	}
	return 0;
}

static int on_ended(const struct ct_msg *m, struct ctk_error *err)
{
	(void)err;
	m->r->ended_ns = m->t_ns;
	m->r->has_ended = 1;
	return 0;
}

/* A new epoch record (room made for it), its powers not yet seen. */
static int epoch_push(struct ct_run *r, struct ct_epoch **out, struct ctk_error *err)
{
	if (r->nep == r->capep) {
		int cap = r->capep ? r->capep * 2 : 64;
		struct ct_epoch *ne = realloc(r->ep, (size_t)cap * sizeof(*ne));
		if (!ne)
			return ctk_failf(err, CTK_ENOMEM, "out of memory");
		r->ep = ne;
		r->capep = cap;
	}
	*out = &r->ep[r->nep++];
	memset(*out, 0, sizeof(**out));
	for (int i = 0; i < CT_MAX_COMP; i++)
		(*out)->npow[i] = -1;
	return 0;
}

/* "Epoch N:" (other messages that start with "Epoch " are not ours) */
static int on_epoch(const struct ct_msg *m, struct ctk_error *err)
{
	struct ct_run *r = m->r;
	struct ct_epoch *e = NULL;
	int64_t idx;
	char *colon;
	int rc;

	if (!isdigit((unsigned char)m->arg[0]))
		return 0;
	colon = strchr(m->arg, ':');
	if (!colon || colon[1])
		return fail_line(r, m->line, "Epoch", err, "expected 'Epoch N:' ('Epoch %s')", m->arg);
	*colon = '\0';
	if (ctk_parse_int64(m->arg, &idx) || idx < 0)
		return fail_line(r, m->line, "Epoch", err, "not an epoch number ('%s')", m->arg);
	/* a number seen before (a resumed training appended to this log) is a
	 * further attempt of that epoch: ctk_window_insert numbers it */
	for (int i = 0; r->nep && idx <= r->max_idx && i < r->nep; i++)
		if (r->ep[i].idx == idx) {
			if (!r->repeated++)
				r->first_repeat_line = m->line;
			break;
		}
	if (!r->nep || idx > r->max_idx)
		r->max_idx = idx;
	if ((rc = epoch_push(r, &e, err)))
		return rc;
	e->idx = idx;
	e->line = m->line;
	e->line_ns = m->t_ns;
	e->new_session = r->session_pending;
	r->session_pending = 0;
	return 0;
}

/* "Duration: H:MM:SS.ss" of the current epoch */
static int on_duration(const struct ct_msg *m, struct ctk_error *err)
{
	struct ct_epoch *e = cur_epoch(m->r);
	int64_t ns;

	if (!e)
		return fail_line(m->r, m->line, "Duration", err, "duration without an 'Epoch N:' line");
	if (parse_hms(m->arg, &ns))
		return fail_line(m->r, m->line, "Duration", err, "not a duration H:MM:SS.ss ('%s')", m->arg);
	/* carbontracker of May 2020 (lfwa/carbontracker 3c35c44, fixed in
	 * 6114eed) wrote the epoch's Duration line once per component */
	if (e->has_dur && ns != e->dur_ns)
		return fail_line(m->r, m->line, "Duration", err, "second, different duration for epoch %lld",
				 (long long)e->idx);
	e->dur_ns = ns;
	e->has_dur = 1;
	return 0;
}

/* numpy wraps long arrays onto untimestamped continuation lines: val with
 * those lines appended (space-separated) in *joined (malloc'd), or *joined
 * NULL when val is complete. */
static int join_wrapped(struct lines *l, const char *val, char **joined, struct ctk_error *err)
{
	size_t cap = strlen(val) + 1;

	*joined = NULL;
	if (val[0] != '[' || strchr(val, ']'))
		return 0;
	if (!(*joined = malloc(cap)))
		return ctk_failf(err, CTK_ENOMEM, "out of memory");
	memcpy(*joined, val, cap);
	while (!strchr(*joined, ']')) {
		char *nx = peek_line(l);
		if (!nx || ts_prefix(nx))
			break;
		nx = next_line(l);
		size_t add = strlen(nx), cur = strlen(*joined);
		char *nj = realloc(*joined, cur + add + 2);
		if (!nj) {
			free(*joined);
			*joined = NULL;
			return ctk_failf(err, CTK_ENOMEM, "out of memory");
		}
		*joined = nj;
		(*joined)[cur] = ' ';
		memcpy(*joined + cur + 1, nx, add + 1);
	}
	return 0;
}

/* A component's values must keep one shape: all single (v2.x) or all
 * arrays of one length (v1.x), matching the named devices. */
static int check_shape(struct ct_run *r, struct ct_comp *c, int n, int is_array, int64_t line,
		       const char *field, struct ctk_error *err)
{
	int mode = is_array ? 2 : 1;

	if (c->mode && c->mode != mode)
		return fail_line(r, line, field, err, "%s value after %s values (line %lld)",
				 is_array ? "an array" : "a single", c->mode == 2 ? "array" : "single",
				 (long long)c->first_line);
	if (c->mode == 2 && n != c->nvals)
		return fail_line(r, line, field, err, "%d value(s), earlier epochs had %d", n, c->nvals);
	int named = c->parts ? 1 : c->nnames; /* a summed_parts[] component logs one value */
	if (!c->mode && is_array && named && n != named)
		return fail_line(r, line, field, err, "%d value(s) for %d device(s) named in the components line",
				 n, named);
	c->mode = mode;
	c->nvals = n;
	if (!c->first_line)
		c->first_line = line;
	return 0;
}

/* "Average power usage (W) for COMPONENT: VALUE" of the current epoch */
static int on_power(const struct ct_msg *m, struct ctk_error *err)
{
	struct ct_run *r = m->r;
	struct ct_epoch *e = cur_epoch(r);
	char *name = m->arg, *colon = strstr(name, ": "), field[64], *joined;
	double *vals;
	int n, is_array, rc;

	if (!colon)
		return fail_line(r, m->line, "Average power usage", err, "expected 'for COMPONENT: VALUE'");
	snprintf(field, sizeof field, "Average power usage (W) for %.*s", (int)(colon - name), name);
	if (!e)
		return fail_line(r, m->line, field, err, "power before any 'Epoch N:' line");
	struct ct_comp *c = comp_get(r, name, (size_t)(colon - name), m->line, err, &rc);
	if (!c)
		return rc;
	int ci = (int)(c - r->comp);
	if (e->npow[ci] >= 0)
		return fail_line(r, m->line, field, err, "second value for epoch %lld", (long long)e->idx);
	if ((rc = join_wrapped(m->l, colon + 2, &joined, err)))
		return rc;
	rc = parse_power(r, joined ? joined : colon + 2, m->line, field, &vals, &n, &is_array, err);
	free(joined);
	if (rc)
		return rc;
	if (n > 0 && (rc = check_shape(r, c, n, is_array, m->line, field, err))) {
		free(vals);
		return rc;
	}
	if (n == 0)
		c->none_epochs++;
	e->pow[ci] = vals;
	e->npow[ci] = n;
	return 0;
}

/* "Training was interrupted before all N epochs were monitored." */
static int on_interrupted(const struct ct_msg *m, struct ctk_error *err)
{
	char buf[32];
	int64_t n;

	if (first_word(m->arg, buf, sizeof buf))
		return fail_line(m->r, m->line, "interrupted", err, "no epoch count");
	if (ctk_parse_int64(buf, &n) || n < 0 || n > INT_MAX)
		return fail_line(m->r, m->line, "interrupted", err, "not an epoch count ('%s')", buf);
	m->r->interrupted = 1;
	m->r->planned = (int)n;
	return 0;
}

/* "Training was interrupted before all -1 epochs were monitored.": what
 * stop() writes for CarbonTracker(monitor_epochs=-1), "monitor every epoch"
 * (lfwa/carbontracker @ 8beb2b9, carbontracker/tracker.py stop()): the
 * normal end of such a run, and no epoch count (planned stays unknown
 * unless a prediction block names it). */
static int on_monitor_all(const struct ct_msg *m, struct ctk_error *err)
{
	(void)err;
	m->r->monitor_all = 1;
	return 0;
}

/* "Carbon intensities (gCO2/kWh) fetched every 900 s at detected location L: [a, b]" */
static int on_intensities(const struct ct_msg *m, struct ctk_error *err)
{
	struct ct_run *r = m->r;
	char *at = strstr(m->arg, " at detected location "), *lb = strrchr(m->arg, '[');

	if (at && lb && lb > at) {
		const char *loc = at + 22;
		char *colon = strstr(loc, ": [");
		if (colon)
			snprintf(r->location, sizeof r->location, "%.*s", (int)(colon - loc), loc);
	}
	if (!lb)
		return 0;
	cJSON *arr = cJSON_CreateArray();
	if (!arr)
		return ctk_failf(err, CTK_ENOMEM, "out of memory");
	for (char *p = lb + 1; *p && *p != ']';) {
		char *end;
		double x = strtod(p, &end);
		if (end == p || !isfinite(x) || x < 0) {
			cJSON_Delete(arr);
			return fail_line(r, m->line, "Carbon intensities", err, "not a list of numbers");
		}
		cJSON_AddItemToArray(arr, cJSON_CreateNumber(x));
		p = end;
		while (*p == ',' || *p == ' ')
			p++;
	}
	cJSON_Delete(r->ci_list);
	r->ci_list = arr;
	return 0;
}

/* "Average carbon intensity during training was X gCO2/kWh at detected location: L." */
static int on_average_ci(const struct ct_msg *m, struct ctk_error *err)
{
	struct ct_run *r = m->r;
	char *loc;

	if (!find_ci(m->arg, &r->avg_ci) || r->avg_ci < 0)
		return fail_line(r, m->line, "Average carbon intensity", err, "not a number");
	r->has_avg_ci = 1;
	if ((loc = strstr(m->arg, "at detected location: "))) {
		loc += 22;
		size_t n = strlen(loc);
		if (n && loc[n - 1] == '.')
			n--;
		snprintf(r->location, sizeof r->location, "%.*s", (int)n, loc);
	}
	return 0;
}

/* The messages of the standard log ctk reads, in carbontracker's words
 * (FORMATS.md §1): a message starting with `prefix` (equal to it when
 * `whole`) goes to `fn` with the rest. Others are ignored. The first row
 * that matches wins: a whole message comes before the prefix row it
 * starts with (the -1 line before "interrupted before all N"). */
static const struct {
	const char *prefix;
	int whole;
	ct_msg_fn fn;
} std_messages[] = {
	{"carbontracker version ", 0, on_version},
	{"Only predicted and actual consumptions are multiplied by a PUE coefficient of ", 0, on_pue},
	{"The following components were found:", 0, on_components},
	{"Monitoring thread started.", 1, on_started},
	{"Monitoring thread ended.", 1, on_ended},
	{"Epoch ", 0, on_epoch},
	{"Duration:", 0, on_duration},
	{"Average power usage (W) for ", 0, on_power},
	{"Training was interrupted before all -1 epochs were monitored.", 1, on_monitor_all},
	{"Training was interrupted before all ", 0, on_interrupted},
	{"Carbon intensities (gCO2", 0, on_intensities},
	{"Average carbon intensity during training was ", 0, on_average_ci},
	{NULL, 0, NULL},
};

static int std_message(struct ct_run *r, struct lines *l, char *msg, int64_t t, struct ctk_error *err)
{
	for (int i = 0; std_messages[i].prefix; i++) {
		size_t n = strlen(std_messages[i].prefix);
		if (strncmp(msg, std_messages[i].prefix, n) || (std_messages[i].whole && msg[n]))
			continue;
		struct ct_msg m = {.r = r, .l = l, .arg = msg + n, .line = l->no, .t_ns = t};
		return std_messages[i].fn(&m, err);
	}
	return 0;
}

/* Read the standard log. A malformed last line without a newline is taken as
 * a cut-off write: warned about and dropped. */
static int parse_std(struct ct_run *r, struct ctk_error *err)
{
	struct lines l = {0};
	char *s;
	int rc = 0;

	r->cur = r->std;
	r->has_prev = 0;
	if ((rc = ctk_imp_slurp(r->std, &l.buf, &l.len, err)))
		return rc;
	while ((s = next_line(&l))) {
		int64_t t;
		int n = ts_prefix(s);
		if (l.last_unterminated && *s) {
			/* carbontracker ends every line: this one was cut short */
			ctk_import_warn(r->o, "'%s' line %lld: last line cut short (no newline); ignored", r->std, (long long)l.no);
			break;
		}
		if (!n)
			continue; /* continuation of a multi-line message */
		if ((rc = line_time(r, s, l.no, &t, err)) || (rc = std_message(r, &l, s + n, t, err)))
			break;
	}
	free(l.buf);
	return rc;
}

/* ---- output log ---- */

/* The lines of a consumption block ("\tEnergy:\t0.04 kWh"): each parses
 * its value into the block; -1 when malformed. */
static int blk_time(const char *v, struct ct_block *b)
{
	int64_t ns;

	if (parse_hms(v, &ns))
		return -1;
	b->time_s = (double)ns / 1e9;
	return b->has_time = 1, 0;
}

static int blk_energy(const char *v, struct ct_block *b)
{
	if (number_then(v, " kWh", &b->energy_kwh) || b->energy_kwh < 0)
		return -1;
	return b->has_energy = 1, 0;
}

static int blk_co2(const char *v, struct ct_block *b)
{
	if (number_then(v, " g", &b->co2_g) || b->co2_g < 0)
		return -1;
	return b->has_co2 = 1, 0;
}

static int blk_km(const char *v, struct ct_block *b)
{
	if (number_then(v, " km travelled by car", &b->km) || b->km < 0)
		return -1;
	return b->has_km = 1, 0;
}

/* A line starting with `key` (or containing it, when `inside`) is parsed
 * by fn from after the key (from the line's start, when `inside`). */
static const struct {
	const char *key;
	int inside;
	const char *field, *expect;
	int (*fn)(const char *v, struct ct_block *b);
} blk_lines[] = {
	{"Time:", 0, "Time", "not a duration H:MM:SS", blk_time},
	{"Energy:", 0, "Energy", "not an energy in kWh", blk_energy},
	{"CO2eq:", 0, "CO2eq", "not a mass in g", blk_co2},
	{" km travelled by car", 1, "km travelled by car", "not a distance", blk_km},
	{NULL, 0, NULL, NULL, NULL},
};

/* The heads of consumption blocks: "Predicted consumption for N epoch(s):",
 * "Actual consumption for N epoch(s):", "Actual consumption:" (CLI mode,
 * no count: `counted` 0, the head is the whole line). */
static const struct {
	const char *head, *what;
	int counted;
} blk_heads[] = {
	{"Predicted consumption for ", "predicted", 1},
	{"Actual consumption for ", "actual", 1},
	{"Actual consumption:", "actual", 0},
	{NULL, NULL, 0},
};

/* "N epoch(s):" after a counted head into b. */
static int blk_count(struct ct_run *r, int64_t line, const char *s, struct ct_block *b, struct ctk_error *err)
{
	char buf[32];
	int64_t n;

	if (first_word(s, buf, sizeof buf) || strcmp(s + strlen(buf), " epoch(s):"))
		return fail_line(r, line, "epochs", err, "expected 'N epoch(s):' ('%s')", s);
	if (ctk_parse_int64(buf, &n) || n < 0 || n > INT_MAX)
		return fail_line(r, line, "epochs", err, "not an epoch count ('%s')", buf);
	b->epochs = (int)n;
	b->has_epochs = 1;
	return 0;
}

/* One untimestamped line of a block: 0 (parsed, or not a block line) or an
 * error naming the field. */
static int blk_line(struct ct_run *r, struct lines *l, char *s, struct ct_block *b, struct ctk_error *err)
{
	while (*s == '\t' || *s == ' ')
		s++;
	for (int i = 0; blk_lines[i].key; i++) {
		size_t k = strlen(blk_lines[i].key);
		const char *v = blk_lines[i].inside ? (strstr(s, blk_lines[i].key) ? s : NULL)
						    : (strncmp(s, blk_lines[i].key, k) ? NULL : s + k);
		if (!v)
			continue;
		if (blk_lines[i].fn(v, b) == 0)
			return 0;
		return fail_line(r, l->no, blk_lines[i].field, err, "%s ('%s')", blk_lines[i].expect, v);
	}
	return 0;
}

/* Keep block b (its intensity is the last one printed before it). */
static int blk_keep(struct ct_run *r, struct ct_block *b, struct ctk_error *err)
{
	if (r->has_last_ci) {
		b->g_per_kwh = r->last_ci;
		b->has_g_per_kwh = 1;
	}
	if (r->nblk == r->capblk) {
		int cap = r->capblk ? r->capblk * 2 : 4;
		struct ct_block *nb = realloc(r->blk, (size_t)cap * sizeof(*nb));
		if (!nb)
			return ctk_failf(err, CTK_ENOMEM, "out of memory");
		r->blk = nb;
		r->capblk = cap;
	}
	r->blk[r->nblk++] = *b;
	return 0;
}

/* A multi-line message of the output log whose first line is head: a
 * consumption block is kept, other messages are skipped. */
static int out_block(struct ct_run *r, struct lines *l, const char *head, struct ctk_error *err)
{
	struct ct_block b = {.line = l->no};
	char *s;
	int i, rc;

	for (i = 0; blk_heads[i].head; i++)
		if (blk_heads[i].counted ? !strncmp(head, blk_heads[i].head, strlen(blk_heads[i].head))
					 : !strcmp(head, blk_heads[i].head))
			break;
	if (!blk_heads[i].head)
		return 0;
	b.what = blk_heads[i].what;
	if (blk_heads[i].counted && (rc = blk_count(r, l->no, head + strlen(blk_heads[i].head), &b, err)))
		return rc;
	while ((s = peek_line(l)) && !ts_prefix(s)) {
		s = next_line(l);
		if (l->last_unterminated)
			break; /* cut short: ignore the partial line */
		if ((rc = blk_line(r, l, s, &b, err)))
			return rc;
	}
	if (!b.has_time || !b.has_energy || !b.has_co2) {
		const char *missing = !b.has_time ? "Time" : !b.has_energy ? "Energy" : "CO2eq";
		if (peek_line(l))
			return fail_line(r, b.line, b.what, err, "consumption block without %s", missing);
		ctk_import_warn(r->o, "'%s' line %lld: %s consumption block cut short (no %s); %s", r->out,
				(long long)b.line, b.what, missing, b.has_energy ? "kept what is there" : "ignored");
		if (!b.has_energy)
			return 0;
	}
	return blk_keep(r, &b, err);
}

static int parse_out(struct ct_run *r, struct ctk_error *err)
{
	static const char pre[] = "CarbonTracker: ";
	static const char found[] = "The following components were found:";
	struct lines l = {0};
	char *s;
	int rc = 0;

	r->cur = r->out;
	r->has_prev = 0;
	if ((rc = ctk_imp_slurp(r->out, &l.buf, &l.len, err)))
		return rc;
	while ((s = next_line(&l))) {
		int64_t t;
		int n = ts_prefix(s);
		if (!n || l.last_unterminated)
			continue;
		if ((rc = line_time(r, s, l.no, &t, err)))
			break;
		char *msg = s + n;
		if (!strncmp(msg, pre, sizeof pre - 1))
			msg += sizeof pre - 1;
		while (*msg == ' ')
			msg++;
		if (!*msg) {
			char *h = peek_line(&l);
			if (h && !ts_prefix(h)) {
				h = next_line(&l);
				if ((rc = out_block(r, &l, h, err)))
					break;
			}
			continue;
		}
		double ci;
		if (find_ci(msg, &ci)) {
			if (ci < 0) {
				rc = fail_line(r, l.no, "carbon intensity", err, "negative");
				break;
			}
			r->last_ci = ci;
			r->has_last_ci = 1;
		}
		if (!r->std && !strncmp(msg, found, sizeof found - 1) &&
		    (rc = parse_components(r, msg + sizeof found - 1, l.no, err)))
			break;
	}
	free(l.buf);
	return rc;
}

/* ---- writing the run ---- */

static const char *kind_of(const char *comp)
{
	return !strcmp(comp, "gpu") ? "gpu" : !strcmp(comp, "cpu") ? "cpu" : "other";
}

/* Place epochs: each ends at its "Epoch N:" line time, moved later when that
 * would start it before the previous epoch ends. */
static void place_epochs(struct ct_run *r)
{
	int64_t prev_end = 0;

	for (int i = 0; i < r->nep; i++) {
		struct ct_epoch *e = &r->ep[i];
		int64_t start = e->line_ns - e->dur_ns;
		if (i > 0 && start < prev_end) {
			start = prev_end;
			if (prev_end - (e->line_ns - e->dur_ns) > 0)
				r->shifted++;
		}
		e->start_ns = start;
		e->end_ns = start + e->dur_ns;
		prev_end = e->end_ns;
	}
}

/* The stored name of device k of component c: the logged name, or for one
 * value standing for several devices "8 x NAME" (or the names joined). */
static const char *device_name(const struct ct_comp *c, int k, char *buf, size_t size)
{
	int same = 1;
	size_t used = 0;

	if (c->parts)
		return c->parts->name;
	if (c->mode == 2)
		return k < c->nnames ? c->names[k] : NULL;
	if (c->nnames == 0)
		return NULL;
	if (c->nnames == 1)
		return c->names[0];
	for (int j = 1; j < c->nnames; j++)
		same &= !strcmp(c->names[j], c->names[0]);
	if (same) {
		snprintf(buf, size, "%d x %s", c->nnames, c->names[0]);
		return buf;
	}
	buf[0] = '\0';
	for (int j = 0; j < c->nnames && used < size; j++)
		used += (size_t)snprintf(buf + used, size - used, "%s%s", j ? ", " : "", c->names[j]);
	return buf;
}

/* One device per logged value: v1.x arrays give one per device; a v2.x
 * scalar gives one device for the component. When that scalar stands for
 * several devices, carbontracker 2.x averaged them instead of summing
 * (FORMATS.md §1): the device is flagged 'ct-v2-averaged' and its readings
 * are the logged mean × the device count (c->sum_of), so every figure ctk
 * derives is the hardware's; carbontracker's own numbers stay in
 * `reported`. A summed_parts[] component (Apple silicon "GPU, ANE") is the
 * exception: its one value is already the sum, stored as logged. */
static int make_devices(struct ct_run *r, sqlite3 *db, int64_t run_id, struct ctk_import_result *res,
			struct ctk_error *err)
{
	for (int i = 0; i < r->ncomp; i++) {
		struct ct_comp *c = &r->comp[i];
		int n = c->mode == 2 ? c->nvals : 1, rc;
		char namebuf[512];

		if (!(c->dev_ids = calloc((size_t)n, sizeof(*c->dev_ids))))
			return ctk_failf(err, CTK_ENOMEM, "out of memory");
		c->ndev = n;
		c->sum_of = c->mode == 1 && c->nnames > 1 && !c->parts ? c->nnames : 1;
		for (int k = 0; k < n; k++) {
			struct ctk_device d = {.run_id = run_id, .kind = kind_of(c->name)};
			if (!strcmp(d.kind, "gpu"))
				d.vendor = c->parts ? c->parts->vendor : "nvidia";
			d.name = device_name(c, k, namebuf, sizeof namebuf);
			d.idx = k;
			d.has_idx = c->mode == 2 || c->nnames == 1 || c->parts;
			d.flags = c->mode == 0 ? "ct-no-power" : c->sum_of > 1 ? "ct-v2-averaged" :
				  c->parts ? c->parts->flag : NULL;
			if ((rc = ctk_device_insert(db, &d, &c->dev_ids[k], err)))
				return rc;
			res->devices++;
		}
		if (c->sum_of > 1)
			ctk_import_warn(r->o, "'%s': carbontracker 2.x averaged the %d %s devices instead of summing them (known bug): "
					"ctk stores their sum (the logged mean power x %d); carbontracker's own figures, about 1/%d "
					"of the total, are kept as reported", r->std, c->nnames, c->name, c->nnames, c->nnames);
	}
	return 0;
}

/* config_json components.<name>: the logged device names, how many devices
 * are stored (count), how the logged values read (values: single, averaged,
 * per-device, summed, none) and, where it differs, what is stored. */
static void comp_config(cJSON *comps, const struct ct_comp *c)
{
	cJSON *o = cJSON_AddObjectToObject(comps, c->name);
	cJSON *names = cJSON_AddArrayToObject(o, "devices");

	for (int k = 0; k < c->nnames; k++)
		cJSON_AddItemToArray(names, cJSON_CreateString(c->names[k]));
	cJSON_AddNumberToObject(o, "count", c->parts ? 1 : c->nnames ? c->nnames : c->mode == 2 ? c->nvals : 1);
	cJSON_AddStringToObject(o, "values", c->parts ? "summed" : c->mode == 2 ? "per-device" :
				c->mode == 1 ? (c->nnames > 1 ? "averaged" : "single") : "none");
	if (c->parts)
		cJSON_AddStringToObject(o, "stored", c->parts->stored);
	else if (c->mode == 1 && c->nnames > 1)
		cJSON_AddStringToObject(o, "stored", "sum: the logged mean power x count");
	if (c->none_epochs)
		cJSON_AddNumberToObject(o, "none_epochs", c->none_epochs);
}

static char *make_config(struct ct_run *r)
{
	cJSON *j = cJSON_CreateObject(), *comps;
	char *s;

	if (!j)
		return NULL;
	cJSON_AddStringToObject(j, "tool", "carbontracker");
	if (r->version[0])
		cJSON_AddStringToObject(j, "version", r->version);
	if (r->has_pue)
		cJSON_AddNumberToObject(j, "pue_logged", r->pue);
	comps = cJSON_AddObjectToObject(j, "components");
	for (int i = 0; i < r->ncomp; i++)
		comp_config(comps, &r->comp[i]);
	cJSON_AddBoolToObject(j, "interrupted", r->interrupted);
	if (r->monitor_all)
		cJSON_AddStringToObject(j, "monitor_epochs", "all (-1): monitored until stop(), the normal end of such a run");
	if (r->sessions > 1)
		cJSON_AddNumberToObject(j, "sessions", r->sessions);
	if (r->repeated)
		cJSON_AddNumberToObject(j, "repeated_epochs", r->repeated); /* windows stored as attempt > 1 */
	if (r->location[0])
		cJSON_AddStringToObject(j, "location", r->location);
	if (r->has_avg_ci)
		cJSON_AddNumberToObject(j, "average_g_per_kwh", r->avg_ci);
	if (r->ci_list) {
		cJSON_AddItemToObject(j, "carbon_intensities_g_per_kwh", r->ci_list);
		r->ci_list = NULL;
	}
	cJSON_AddStringToObject(j, "epoch_times", "rebuilt from 1 s log timestamps and printed durations; epochs end at their log line or are laid end to end");
	cJSON *files = cJSON_AddObjectToObject(j, "files");
	if (r->std)
		cJSON_AddStringToObject(files, "standard", ctk_basename(r->std));
	if (r->out)
		cJSON_AddStringToObject(files, "output", ctk_basename(r->out));
	if (r->err)
		cJSON_AddStringToObject(files, "err", ctk_basename(r->err));
	if (r->err)
		cJSON_AddNumberToObject(j, "err_tracebacks", r->err_tracebacks);
	s = cJSON_PrintUnformatted(j);
	cJSON_Delete(j);
	return s;
}

static int count_tracebacks(struct ct_run *r, struct ctk_error *err)
{
	char *buf;
	size_t len;
	int rc = ctk_imp_slurp(r->err, &buf, &len, err);

	if (rc)
		return rc;
	for (char *p = buf; (p = strstr(p, "Traceback (most recent call last)")); p++)
		r->err_tracebacks++;
	free(buf);
	return 0;
}

/* The earliest run imported before from the same bytes as path (same
 * importer, same SHA-256, whatever the file's name; the rule of
 * cmd/import.c): *run_id, 0 when none. */
static int earlier_twin(sqlite3 *db, const char *path, int64_t *run_id, struct ctk_error *err)
{
	char sha[65];
	sqlite3_stmt *st = NULL;
	int rc;

	*run_id = 0;
	if ((rc = ctk_sha256_file(path, sha, err)))
		return rc;
	if (ctk_db_prepare(db, "SELECT min(run_id) FROM runs WHERE source = 'import:carbontracker' AND "
			   "source_sha256 = ?", &st, err))
		return CTK_EDB;
	sqlite3_bind_text(st, 1, sha, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*run_id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : ctk_db_fail(db, err, "looking for an earlier import");
}

static void run_release(struct ct_run *r)
{
	for (int i = 0; i < r->ncomp; i++) {
		for (int k = 0; k < r->comp[i].nnames; k++)
			free(r->comp[i].names[k]);
		free(r->comp[i].names);
		free(r->comp[i].dev_ids);
	}
	for (int i = 0; i < r->nep; i++)
		for (int c = 0; c < CT_MAX_COMP; c++)
			free(r->ep[i].pow[c]);
	free(r->ep);
	free(r->blk);
	cJSON_Delete(r->ci_list);
}

/* carbontracker's own parser skips empty files too: *path set to NULL
 * when the file is empty (with a warning). */
static void skip_empty(const struct ctk_import_opts *o, const char **path)
{
	struct stat sb;

	if (*path && !stat(*path, &sb) && sb.st_size == 0) {
		ctk_import_warn(o, "'%s': empty; ignored", *path);
		*path = NULL;
	}
}

/* After parsing: drop the epochs a cut-off log left without a duration,
 * fail on one without a duration in the middle, warn about epochs without
 * a power line or with 'None'. */
static int check_epochs(struct ct_run *r, struct ctk_error *err)
{
	while (r->nep && !r->ep[r->nep - 1].has_dur) {
		struct ct_epoch *e = &r->ep[--r->nep];
		ctk_import_warn(r->o, "'%s' line %lld: epoch %lld has no duration (log cut short); dropped", r->std,
				(long long)e->line, (long long)e->idx);
		for (int c = 0; c < CT_MAX_COMP; c++)
			free(e->pow[c]);
	}
	for (int i = 0; i < r->nep; i++) {
		if (!r->ep[i].has_dur)
			return ctk_failf(err, CTK_EINPUT, "'%s' line %lld: field 'Duration': epoch %lld has no duration line",
					 r->std, (long long)r->ep[i].line, (long long)r->ep[i].idx);
		for (int c = 0; c < r->ncomp; c++)
			if (r->ep[i].npow[c] < 0) {
				r->comp[c].missing_epochs++;
				ctk_import_warn(r->o, "'%s' line %lld: epoch %lld has no power line for %s%s", r->std,
						(long long)r->ep[i].line, (long long)r->ep[i].idx, r->comp[c].name,
						i == r->nep - 1 ? " (log cut short?)" : "");
			}
	}
	for (int c = 0; c < r->ncomp; c++)
		if (r->comp[c].none_epochs)
			ctk_import_warn(r->o, "'%s': %d epoch(s) with power 'None' for %s (too short for a measurement): no readings there",
					r->std, r->comp[c].none_epochs, r->comp[c].name);
	return 0;
}

/* The planned epoch count: from the "interrupted before all N epochs"
 * line (never the -1 one: monitor_epochs=-1 names no count), else from the
 * first prediction block; 0 unknown (stored NULL). */
static int planned_epochs(const struct ct_run *r)
{
	if (r->planned)
		return r->planned;
	for (int i = 0; i < r->nblk; i++)
		if (!strcmp(r->blk[i].what, "predicted") && r->blk[i].has_epochs)
			return r->blk[i].epochs;
	return 0;
}

static int set_planned(sqlite3 *db, int64_t run_id, int planned, struct ctk_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (!planned)
		return 0;
	if (ctk_db_prepare(db, "UPDATE runs SET planned_epochs = ? WHERE run_id = ?", &st, err))
		return CTK_EDB;
	sqlite3_bind_int(st, 1, planned);
	sqlite3_bind_int64(st, 2, run_id);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : ctk_db_fail(db, err, "set planned epochs");
}

/* The readings of component c in epoch e: the logged mean power (× sum_of)
 * at both ends; 'None' or no line: two readings without power, so nothing
 * is interpolated across this epoch. */
static int write_epoch_power(struct ct_run *r, struct ctk_sample_writer *w, const struct ct_epoch *e, int c,
			     struct ctk_import_result *res, struct ctk_error *err)
{
	const struct ct_comp *cp = &r->comp[c];
	int rc;

	if (e->npow[c] <= 0) {
		for (int k = 0; k < cp->ndev; k++) {
			struct ctk_reading nr = {.t_ns = e->start_ns};
			if ((rc = ctk_sample_append(w, cp->dev_ids[k], "imported", &nr, err)))
				return rc;
			nr.t_ns = e->end_ns;
			if ((rc = ctk_sample_append(w, cp->dev_ids[k], "imported", &nr, err)))
				return rc;
			res->samples += 2;
		}
		return 0;
	}
	for (int k = 0; k < e->npow[c] && k < cp->ndev; k++) {
		if ((rc = ctk_imp_mean_power(w, cp->dev_ids[k], e->start_ns, e->end_ns, e->pow[c][k] * cp->sum_of, err)))
			return ctk_error_prefix(err, "'%s' line %lld: field 'Epoch': ", r->std, (long long)e->line);
		res->samples += 2;
	}
	return 0;
}

/* Between two monitoring sessions of one log (a training restarted and
 * appended to it) nothing was measured and the process may not have run:
 * one reading without power at t for every device, so the whole-run
 * energy is not interpolated across the break (the time is not covered). */
static int write_break(struct ct_run *r, struct ctk_sample_writer *w, int64_t t_ns, struct ctk_import_result *res,
		       struct ctk_error *err)
{
	int rc;

	for (int c = 0; c < r->ncomp; c++)
		for (int k = 0; k < r->comp[c].ndev; k++) {
			struct ctk_reading nr = {.t_ns = t_ns};
			if ((rc = ctk_sample_append(w, r->comp[c].dev_ids[k], "imported", &nr, err)))
				return rc;
			res->samples++;
		}
	return 0;
}

/* Every epoch window and its readings. */
static int write_epochs(struct ct_run *r, sqlite3 *db, int64_t run_id, struct ctk_import_result *res,
			struct ctk_error *err)
{
	struct ctk_sample_writer *w = NULL;
	int rc;

	if ((rc = ctk_sample_writer_new(db, 0, &w, err)))
		return rc;
	for (int i = 0; i < r->nep && !rc; i++) {
		struct ct_epoch *e = &r->ep[i];
		struct ctk_window win = {.run_id = run_id, .kind = "epoch", .idx = e->idx, .has_idx = 1,
					 .start_ns = e->start_ns, .end_ns = e->end_ns};
		if ((rc = ctk_window_insert(db, &win, err)))
			break;
		res->windows++;
		if (i > 0 && e->new_session && e->start_ns - r->ep[i - 1].end_ns > 1 &&
		    (rc = write_break(r, w, r->ep[i - 1].end_ns + (e->start_ns - r->ep[i - 1].end_ns) / 2, res, err)))
			break;
		for (int c = 0; c < r->ncomp && !rc; c++)
			rc = write_epoch_power(r, w, e, c, res, err);
	}
	if (!rc)
		rc = ctk_sample_writer_flush(w, err);
	ctk_sample_writer_free(w);
	return rc;
}

/* Every predicted/actual block, as printed (energies include the PUE). */
static int write_reported(const struct ct_run *r, sqlite3 *db, int64_t run_id, struct ctk_import_result *res,
			  struct ctk_error *err)
{
	for (int i = 0; i < r->nblk; i++) {
		const struct ct_block *b = &r->blk[i];
		struct ctk_reported rep = {
			.run_id = run_id, .tool = "carbontracker", .what = b->what,
			.epochs = b->epochs, .has_epochs = b->has_epochs,
			.duration_s = b->time_s, .has_duration = b->has_time,
			.energy_kwh = b->energy_kwh, .has_energy = b->has_energy,
			.co2_g = b->co2_g, .has_co2 = b->has_co2,
			.distance_km = b->km, .has_distance = b->has_km,
			.pue = r->pue, .has_pue = r->has_pue,
			.g_per_kwh = b->g_per_kwh, .has_g_per_kwh = b->has_g_per_kwh,
			.note = !b->has_epochs ? "CLI mode: no epoch count printed" :
				r->has_pue ? "energy and CO2 include the PUE" : "PUE not stated in the standard log",
		};
		int rc = ctk_reported_insert(db, &rep, err);
		if (rc)
			return rc;
		res->reported++;
	}
	return 0;
}

/* The run's span: monitoring start to end (else the first and last line),
 * widened to the epochs. */
static int set_span(const struct ct_run *r, sqlite3 *db, int64_t run_id, struct ctk_error *err)
{
	int64_t a = r->has_started ? r->started_ns : r->first_ns;
	int64_t b = r->has_ended ? r->ended_ns : r->last_ns;

	if (!r->has_first)
		return 0;
	if (r->nep && r->ep[0].start_ns < a)
		a = r->ep[0].start_ns;
	if (r->nep && r->ep[r->nep - 1].end_ns > b)
		b = r->ep[r->nep - 1].end_ns;
	return ctk_run_set_span(db, run_id, a, b, err);
}

/* Parse the files of one stem into r. */
static int parse_stem(struct ct_run *r, const char *stem, struct ctk_error *err)
{
	int rc;

	if (!r->std)
		ctk_import_warn(r->o, "'%s': no standard log (%s%s): no epochs or per-epoch powers, only the reported totals",
				r->out, stem, CT_STD);
	if (!r->out)
		ctk_import_warn(r->o, "'%s': no output log (%s%s): no predicted/actual consumption reported", r->std,
				stem, CT_OUT);
	if ((r->std && (rc = parse_std(r, err))) || (r->out && (rc = parse_out(r, err))) ||
	    (r->err && (rc = count_tracebacks(r, err))) || (rc = check_epochs(r, err)))
		return rc;
	place_epochs(r);
	if (r->repeated)
		ctk_import_warn(r->o, "'%s' line %lld: %d epoch(s) repeat an earlier epoch number (%d monitoring session(s) "
				"in this log: a resumed training appended to it?); kept as further attempts of those epochs",
				r->std, (long long)r->first_repeat_line, r->repeated, r->sessions);
	if (r->nep > 0)
		ctk_import_warn(r->o, "'%s': epoch times rebuilt from the log's 1 s timestamps and printed durations "
				"(each epoch ends at its 'Epoch N:' line%s)", r->std,
				r->shifted ? ", or is laid end to end after the previous one where they would overlap" : "");
	return 0;
}

/* Store the parsed run r read from main_path. */
static int store_run(struct ct_run *r, sqlite3 *db, const char *main_path, const char *label,
		     struct ctk_import_result *res, struct ctk_error *err)
{
	char *config = make_config(r);
	int64_t run_id = 0;
	int rc;

	if (!config)
		return ctk_failf(err, CTK_ENOMEM, "out of memory");
	rc = ctk_imp_run(db, "carbontracker", main_path, NULL, label, r->tz,
			 !(r->o->tz && r->o->tz->kind != CTK_TZ_NONE), config, &run_id, err);
	free(config);
	if (rc || (rc = set_planned(db, run_id, planned_epochs(r), err)) ||
	    (rc = make_devices(r, db, run_id, res, err)) || (rc = write_epochs(r, db, run_id, res, err)) ||
	    (rc = write_reported(r, db, run_id, res, err)) || (rc = set_span(r, db, run_id, err)))
		return rc;
	res->run_id = run_id;
	res->runs++;
	return 0;
}

/* ---- finding the files of each stem ---- */

struct stem {
	char *stem;
	char *path[3];         /* standard, output, err */
	const char *std, *out; /* path[0], path[1], or NULL when absent or empty */
	int64_t twin;          /* run imported before from the same main log; 0 none */
	int skip;              /* imported before: left out (see reimports) */
};

/* Import one stem s, its main log (standard, else output) stored as the run's
 * file. */
static int import_stem(sqlite3 *db, const struct stem *s, const char *label, const struct ctk_import_opts *o,
		       struct ctk_import_result *res, struct ctk_error *err)
{
	struct ctk_tz utc;
	struct ct_run r = {.std = s->std, .out = s->out, .err = s->path[2], .o = o};
	const char *main_path = s->std ? s->std : s->out;
	int rc;

	r.tz = ctk_imp_tz(o, &utc, main_path, "carbontracker log times");
	if (!(rc = parse_stem(&r, s->stem, err)))
		rc = store_run(&r, db, main_path, label ? label : s->stem, res, err);
	run_release(&r);
	return rc;
}

/* Logs imported before. A path whose every run was imported before is
 * skipped (or, with --replace, replaced) by cmd/import.c, as for every
 * importer, so such a path is imported in full here and left to it. A
 * directory that gained stems since its first import is not such a path:
 * its stems imported before are skipped here (st[i].skip), or with
 * --replace imported again and their earlier runs deleted afterwards by
 * drop_twins (so the new runs never reuse the old ids). */
static int reimports(sqlite3 *db, struct stem *st, int n, const struct ctk_import_opts *o, struct ctk_error *err)
{
	int with_log = 0, twins = 0, rc;

	for (int i = 0; i < n; i++) {
		const char *main_path = st[i].std ? st[i].std : st[i].out;
		if (!main_path)
			continue;
		with_log++;
		if ((rc = earlier_twin(db, main_path, &st[i].twin, err)))
			return rc;
		twins += st[i].twin != 0;
	}
	for (int i = 0; i < n; i++) {
		if (!st[i].twin || o->replace || twins == with_log)
			continue;
		st[i].skip = 1;
		ctk_import_warn(o, "'%s': already imported (same SHA-256) as run %lld; skipped (--replace imports it again)",
				st[i].std ? st[i].std : st[i].out, (long long)st[i].twin);
	}
	return 0;
}

/* --replace, after the new runs are stored: delete the earlier runs of the
 * stems imported again (results tables follow by cascade). */
static int drop_twins(sqlite3 *db, const struct stem *st, int n, const struct ctk_import_opts *o,
		      struct ctk_error *err)
{
	int rc;

	for (int i = 0; i < n && o->replace; i++) {
		if (!st[i].twin)
			continue;
		if ((rc = ctk_db_exec_id(db, "DELETE FROM runs WHERE run_id = ?", st[i].twin, err)))
			return rc;
		ctk_import_warn(o, "'%s': imported before as run %lld; replaced (--replace)",
				st[i].std ? st[i].std : st[i].out, (long long)st[i].twin);
	}
	return 0;
}

static int ends_with(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);
	return n > m && !strcmp(s + n - m, suf);
}

/* Which of the three files name is (0 std, 1 output, 2 err), and its stem
 * length; -1 for other files. */
static int classify(const char *name, size_t *stemlen)
{
	static const char *const suf[3] = {CT_STD, CT_OUT, CT_ERR};
	for (int k = 0; k < 3; k++)
		if (ends_with(name, suf[k])) {
			*stemlen = strlen(name) - strlen(suf[k]);
			return k;
		}
	return -1;
}

static int add_file(struct stem **st, int *n, const char *dir, const char *name, struct ctk_error *err)
{
	size_t sl;
	int k = classify(name, &sl);
	int i;

	if (k < 0)
		return 0;
	for (i = 0; i < *n; i++)
		if (strlen((*st)[i].stem) == sl && !strncmp((*st)[i].stem, name, sl))
			break;
	if (i == *n) {
		struct stem *ns = realloc(*st, (size_t)(*n + 1) * sizeof(*ns));
		if (!ns)
			return ctk_failf(err, CTK_ENOMEM, "out of memory");
		*st = ns;
		memset(&ns[i], 0, sizeof(ns[i]));
		if (!(ns[i].stem = strndup(name, sl)))
			return ctk_failf(err, CTK_ENOMEM, "out of memory");
		(*n)++;
	}
	size_t plen = strlen(dir) + strlen(name) + 2;
	char *p = malloc(plen);
	if (!p)
		return ctk_failf(err, CTK_ENOMEM, "out of memory");
	snprintf(p, plen, "%s/%s", dir, name);
	free((*st)[i].path[k]);
	(*st)[i].path[k] = p;
	return 0;
}

static int stem_cmp(const void *a, const void *b)
{
	return strcmp(((const struct stem *)a)->stem, ((const struct stem *)b)->stem);
}

/* The stems of path (a directory, or one file with its siblings) into
 * *st / *n (sorted by stem; the caller frees them even on error). */
static int find_stems(const char *path, struct stem **st, int *n, struct ctk_error *err)
{
	struct stat sb;
	int rc = 0;

	if (stat(path, &sb))
		return ctk_failf(err, CTK_EINPUT, "'%s': %s", path, strerror(errno));
	if (S_ISDIR(sb.st_mode)) {
		DIR *d = opendir(path);
		struct dirent *de;
		if (!d)
			return ctk_failf(err, CTK_EINPUT, "'%s': %s", path, strerror(errno));
		while ((de = readdir(d)))
			if ((rc = add_file(st, n, path, de->d_name, err)))
				break;
		closedir(d);
		if (!rc && *n == 0)
			rc = ctk_failf(err, CTK_EINPUT, "'%s': no carbontracker logs (*%s, *%s) in this directory", path, CT_STD, CT_OUT);
	} else {
		/* one file: import its stem, with the sibling files of that stem */
		const char *base = ctk_basename(path);
		size_t sl;
		int k = classify(base, &sl);
		char dir[PATH_MAX];
		if (k < 0)
			return ctk_failf(err, CTK_EINPUT, "'%s': not a carbontracker log (the name must end in %s, %s or %s)",
					 path, CT_STD, CT_OUT, CT_ERR);
		snprintf(dir, sizeof dir, "%.*s", base == path ? 1 : (int)(base - path - 1), base == path ? "." : path);
		if (base != path && base - path == 1)
			snprintf(dir, sizeof dir, "/");
		static const char *const suf[3] = {CT_STD, CT_OUT, CT_ERR};
		for (int j = 0; j < 3 && !rc; j++) {
			char name[NAME_MAX + 64], full[PATH_MAX + NAME_MAX + 64];
			snprintf(name, sizeof name, "%.*s%s", (int)sl, base, suf[j]);
			snprintf(full, sizeof full, "%s/%s", dir, name);
			if (j == k || access(full, R_OK) == 0)
				rc = add_file(st, n, dir, name, err);
		}
	}
	if (!rc)
		qsort(*st, (size_t)*n, sizeof(**st), stem_cmp);
	return rc;
}

/* Import the stems st[0..n): the logs with content, less those skipped as
 * imported before; labelled L (one stem) or L/stem under --label L. */
static int import_stems(sqlite3 *db, struct stem *st, int n, const struct ctk_import_opts *o,
			struct ctk_import_result *res, struct ctk_error *err)
{
	int rc;

	for (int i = 0; i < n; i++) {
		st[i].std = st[i].path[0];
		st[i].out = st[i].path[1];
		skip_empty(o, &st[i].std);
		skip_empty(o, &st[i].out);
		if (!st[i].std && !st[i].out)
			ctk_import_warn(o, "'%s': no standard or output log with content for this run; nothing to import",
					st[i].path[2] ? st[i].path[2] : st[i].stem);
	}
	if ((rc = reimports(db, st, n, o, err)))
		return rc;
	for (int i = 0; i < n && !rc; i++) {
		char label[512];
		const char *lab = NULL;
		if (st[i].skip || (!st[i].std && !st[i].out))
			continue;
		if (o->label && n == 1)
			lab = o->label;
		else if (o->label) {
			snprintf(label, sizeof label, "%s/%s", o->label, st[i].stem);
			lab = label;
		}
		rc = import_stem(db, &st[i], lab, o, res, err);
	}
	return rc ? rc : drop_twins(db, st, n, o, err);
}

static int ct_import(sqlite3 *db, const char *path, const struct ctk_import_opts *o,
		     struct ctk_import_result *res, struct ctk_error *err)
{
	struct stem *st = NULL;
	int n = 0, rc;

	if (!(rc = find_stems(path, &st, &n, err)))
		rc = import_stems(db, st, n, o, res, err);
	for (int i = 0; i < n; i++) {
		free(st[i].stem);
		for (int k = 0; k < 3; k++)
			free(st[i].path[k]);
	}
	free(st);
	return rc;
}

/* A directory holding *_carbontracker*.log files, or one such file. */
static int ct_sniff(const char *path)
{
	struct stat sb;
	size_t sl;

	if (stat(path, &sb))
		return 0;
	if (S_ISDIR(sb.st_mode)) {
		DIR *d = opendir(path);
		struct dirent *de;
		int score = 0;
		if (!d)
			return 0;
		while ((de = readdir(d)))
			if (classify(de->d_name, &sl) >= 0)
				score = 95;
		closedir(d);
		return score;
	}
	return classify(ctk_basename(path), &sl) >= 0 ? 95 : 0;
}

const struct ctk_importer ctk_importer_carbontracker = {
	.name = "carbontracker",
	.summary = "carbontracker log dir or *_carbontracker[_output|_err].log (v1.x-2.4)",
	.sniff = ct_sniff,
	.import = ct_import,
};
