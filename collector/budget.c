/* Live prediction and budgets of `ctk collect --epochs N` (collect_int.h):
 * epoch markers open and close windows of the live energy tracker
 * (epoch_energy.h); each finished epoch goes to live.c, whose prediction is
 * printed and whose budget verdict is acted on here (--on-budget warn, stop:
 * SIGTERM then SIGKILL after --grace, or ask on the terminal), once per run,
 * and recorded in the run's config_json. */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "collector/collect_int.h"
#include "common/time.h"

void ctk_coll_on_epoch_mark(void *ctx, int start, int64_t idx, int64_t t_ns)
{
	struct collector *c = ctx;
	int rc = start ? ctk_epoch_energy_open(&c->ee, t_ns) : ctk_epoch_energy_close(&c->ee, idx, t_ns);

	if (rc == CTK_ENOMEM && c->live_on) {
		ctk_coll_warnf(c, "out of memory: live prediction off");
		c->live_on = 0;
	}
}

/* Remember what the budget did, for runs.config_json (key: why). */
static void budget_record(struct collector *c, const char *key, const struct ctk_live_step *st, const char *action)
{
	cJSON *j = cJSON_CreateObject();
	int energy = !strcmp(st->target, "energy");

	if (!j)
		return;
	cJSON_AddStringToObject(j, "action", action);
	cJSON_AddStringToObject(j, "target", st->target);
	cJSON_AddStringToObject(j, "verdict", ctk_budget_verdict_name(st->verdict));
	cJSON_AddNumberToObject(j, energy ? "budget_kwh" : "budget_g", st->budget);
	cJSON_AddNumberToObject(j, energy ? "predicted_kwh" : "predicted_g", st->predicted_total);
	cJSON_AddNumberToObject(j, energy ? "used_kwh" : "used_g", st->used);
	cJSON_AddNumberToObject(j, "after_epochs", c->live.n);
	cJSON_AddNumberToObject(j, "planned_epochs", c->live.o.planned);
	cJSON_AddStringToObject(j, "predictor", ctk_predictor_default()->name);
	cJSON_AddNumberToObject(j, "at_ns", (double)ctk_now_ns());
	cJSON_Delete(c->budget_event);
	c->budget_event = j;
	c->budget_key = key;
}

static void budget_stop(struct collector *c, const struct ctk_live_step *st, const char *how)
{
	char grace[32];

	budget_record(c, "stopped_by_budget", st, how);
	if (c->budget_event)
		cJSON_AddStringToObject(c->budget_event, "signal", "SIGTERM");
	snprintf(grace, sizeof grace, "%.3g s", (double)c->live.o.grace_ns / 1e9);
	ctk_coll_warnf(c, "budget: %s: stopping the command (SIGTERM, SIGKILL after %s)", st->why, grace);
	if (c->child > 0 && !c->child_done)
		kill(c->child, SIGTERM);
	c->budget_stop = 1;
	c->budget_stop_mono = ctk_coll_mono_ns();
}

/* --on-budget ask: put the question to the user (main's ask callback). */
static void budget_ask(struct collector *c, const struct ctk_live_step *st)
{
	char q[600];
	int a = -1;

	snprintf(q, sizeof q, "ctk collect: budget: %s. Continue? [y/n] ", st->why);
	if (c->o->ask)
		a = c->o->ask(c->o->log_ctx, q);
	if (a < 0) {
		ctk_coll_warnf(c, "budget: %s (--on-budget ask: no terminal to ask on (/dev/tty): warning only, the run goes on)",
			       st->why);
		budget_record(c, "budget_warning", st, "ask: no terminal, warned");
	} else if (a == 0) {
		budget_stop(c, st, "ask: answered no");
	} else {
		ctk_coll_warnf(c, "budget: the user chose to go on");
		budget_record(c, "budget_warning", st, "ask: answered yes");
	}
}

/* The verdict of one epoch acted on (no action once the command has ended). */
static void budget_act(struct collector *c, const struct ctk_live_step *st)
{
	if (!st->act || c->child_done || c->child <= 0)
		return;
	switch (c->live.o.on_budget) {
	case CTK_ON_BUDGET_WARN:
		ctk_coll_warnf(c, "budget: %s (--on-budget warn: the run goes on)", st->why);
		budget_record(c, "budget_warning", st, "warn");
		break;
	case CTK_ON_BUDGET_STOP:
		budget_stop(c, st, "stop");
		break;
	case CTK_ON_BUDGET_ASK:
		budget_ask(c, st);
		break;
	}
}

void ctk_coll_live_drain(struct collector *c)
{
	struct ctk_ee_result r;
	struct ctk_live_step st;

	while (c->live_on && ctk_epoch_energy_next(&c->ee, &r)) {
		if (ctk_live_epoch(&c->live, &r, ctk_epoch_energy_total_j(&c->ee), &st)) {
			ctk_coll_warnf(c, "out of memory: live prediction off");
			c->live_on = 0;
			return;
		}
		if (st.predicted && !c->o->no_predict)
			ctk_coll_say(c, "", st.line);
		if (st.predicted && c->o->stats)
			ctk_coll_say(c, "", st.exact);
		if (st.at_risk)
			ctk_coll_warnf(c, "budget: %s", st.why);
		budget_act(c, &st);
	}
}

void ctk_coll_budget_tick(struct collector *c, int64_t now_mono)
{
	if (!c->budget_stop || c->budget_killed || c->child_done || c->child <= 0 ||
	    now_mono < c->budget_stop_mono + c->live.o.grace_ns)
		return;
	ctk_coll_warnf(c, "budget: the command did not end within the grace time: SIGKILL");
	kill(c->child, SIGKILL);
	c->budget_killed = 1;
	if (c->budget_event)
		cJSON_ReplaceItemInObject(c->budget_event, "signal", cJSON_CreateString("SIGKILL"));
}

int64_t ctk_coll_budget_wake(const struct collector *c, int64_t wake)
{
	if (c->budget_stop && !c->budget_killed && c->budget_stop_mono + c->live.o.grace_ns < wake)
		return c->budget_stop_mono + c->live.o.grace_ns;
	return wake;
}
