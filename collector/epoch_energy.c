/* Incremental per-window energy for the live prediction (epoch_energy.h).
 * Cost per reading: one segment integral plus a look at the few windows
 * still waiting for an edge (usually one). The segment rule is the shared
 * kernel's (common/energy.h), so the live numbers equal `ctk analyze`'s. */
#include "collector/epoch_energy.h"

#include <stdlib.h>
#include <string.h>

#include "common/energy.h"
#include "common/err.h"

int ctk_epoch_energy_init(struct ctk_epoch_energy *ee, int ndev)
{
	memset(ee, 0, sizeof(*ee));
	if (ndev > 0 && !(ee->dev = calloc((size_t)ndev, sizeof(*ee->dev))))
		return CTK_ENOMEM;
	ee->ndev = ndev;
	return 0;
}

void ctk_epoch_energy_free(struct ctk_epoch_energy *ee)
{
	for (int i = 0; i < ee->nwin; i++)
		free(ee->win[i].vals);
	free(ee->win);
	free(ee->dev);
	memset(ee, 0, sizeof(*ee));
}

/* E and integrated time at t inside a→b, given their values at a. */
static void interp(const struct ctk_reading *a, const struct ctk_reading *b, double e_a, double int_a,
		   int64_t t, struct ctk_ee_val *v)
{
	int counter;

	v->e_j = e_a;
	v->int_ns = int_a;
	if (t > a->t_ns && ctk_segment_kind(a, b, &counter)) {
		if (t > b->t_ns)
			t = b->t_ns;
		v->e_j += ctk_segment_energy_j(a, b, counter, a->t_ns, t);
		v->int_ns += (double)(t - a->t_ns);
	}
	v->resolved = 1;
}

/* Resolve edge t of device d from what it already holds, when it can:
 * t at or before its last reading. */
static void resolve_known(const struct ctk_ee_dev *dv, int64_t t, struct ctk_ee_val *v)
{
	if (dv->nread == 0 || t > dv->last.t_ns)
		return;
	if (dv->nread >= 2 && t >= dv->prev.t_ns) {
		interp(&dv->prev, &dv->last, dv->prev_j, dv->prev_int_ns, t, v);
		return;
	}
	/* before every reading kept: the first reading came later (E = 0
	 * there), or the wall clock moved back (rare; nearest value kept) */
	v->e_j = dv->nread >= 2 ? dv->prev_j : dv->last_j;
	v->int_ns = dv->nread >= 2 ? dv->prev_int_ns : dv->last_int_ns;
	v->resolved = 1;
}

void ctk_epoch_energy_add(struct ctk_epoch_energy *ee, int d, const struct ctk_reading *r)
{
	struct ctk_ee_dev *dv;
	double e = 0, in = 0;
	int counter;

	if (d < 0 || d >= ee->ndev)
		return;
	dv = &ee->dev[d];
	if (dv->nread > 0) {
		e = dv->last_j;
		in = dv->last_int_ns;
		if (ctk_segment_kind(&dv->last, r, &counter)) {
			e += ctk_segment_energy_j(&dv->last, r, counter, dv->last.t_ns, r->t_ns);
			in += (double)(r->t_ns - dv->last.t_ns);
		}
	}
	/* edges up to this reading: inside last→r, or before the first reading */
	for (int w = 0; w < ee->nwin; w++)
		for (int s = 0; s < 2; s++) {
			struct ctk_ee_window *win = &ee->win[w];
			struct ctk_ee_val *v = &win->vals[s * ee->ndev + d];
			int64_t t = s ? win->end_ns : win->start_ns;
			if (v->resolved || (s && !win->closed) || t > r->t_ns)
				continue;
			if (dv->nread == 0) {
				v->e_j = v->int_ns = 0;
				v->resolved = 1;
			} else {
				interp(&dv->last, r, dv->last_j, dv->last_int_ns, t, v);
			}
		}
	dv->prev = dv->last;
	dv->prev_j = dv->last_j;
	dv->prev_int_ns = dv->last_int_ns;
	dv->last = *r;
	dv->last_j = e;
	dv->last_int_ns = in;
	dv->nread++;
}

int ctk_epoch_energy_open(struct ctk_epoch_energy *ee, int64_t start_ns)
{
	if (ee->nwin == ee->capwin) {
		int cap = ee->capwin ? ee->capwin * 2 : 4;
		struct ctk_ee_window *w = realloc(ee->win, (size_t)cap * sizeof(*w));
		if (!w)
			return CTK_ENOMEM;
		ee->win = w;
		ee->capwin = cap;
	}
	struct ctk_ee_window *w = &ee->win[ee->nwin];
	memset(w, 0, sizeof(*w));
	if (!(w->vals = calloc((size_t)(2 * ee->ndev + 1), sizeof(*w->vals))))
		return CTK_ENOMEM;
	w->start_ns = start_ns;
	for (int d = 0; d < ee->ndev; d++)
		resolve_known(&ee->dev[d], start_ns, &w->vals[d]);
	ee->nwin++;
	return 0;
}

int ctk_epoch_energy_close(struct ctk_epoch_energy *ee, int64_t idx, int64_t end_ns)
{
	int k = ee->nwin - 1;

	if (k < 0 || ee->win[k].closed)
		return CTK_EINPUT;
	struct ctk_ee_window *w = &ee->win[k];
	w->idx = idx;
	w->end_ns = end_ns < w->start_ns ? w->start_ns : end_ns;
	w->closed = 1;
	for (int d = 0; d < ee->ndev; d++)
		resolve_known(&ee->dev[d], w->end_ns, &w->vals[ee->ndev + d]);
	return 0;
}

void ctk_epoch_energy_finish(struct ctk_epoch_energy *ee)
{
	for (int w = 0; w < ee->nwin; w++)
		for (int i = 0; i < 2 * ee->ndev; i++) {
			struct ctk_ee_val *v = &ee->win[w].vals[i];
			const struct ctk_ee_dev *dv = &ee->dev[i % ee->ndev];
			if (v->resolved || (i >= ee->ndev && !ee->win[w].closed))
				continue;
			v->e_j = dv->last_j;
			v->int_ns = dv->last_int_ns;
			v->resolved = 1;
		}
}

int ctk_epoch_energy_next(struct ctk_epoch_energy *ee, struct ctk_ee_result *out)
{
	struct ctk_ee_window *w;
	double e = 0;
	int complete = ee->ndev > 0;

	if (ee->nwin == 0 || !ee->win[0].closed)
		return 0;
	w = &ee->win[0];
	for (int i = 0; i < 2 * ee->ndev; i++)
		if (!w->vals[i].resolved)
			return 0;
	for (int d = 0; d < ee->ndev; d++) {
		const struct ctk_ee_val *a = &w->vals[d], *b = &w->vals[ee->ndev + d];
		e += b->e_j - a->e_j;
		if (!(b->int_ns > a->int_ns))
			complete = 0;
	}
	out->idx = w->idx;
	out->start_ns = w->start_ns;
	out->end_ns = w->end_ns;
	out->energy_j = e;
	out->duration_s = (double)(w->end_ns - w->start_ns) / 1e9;
	out->complete = complete;
	free(w->vals);
	memmove(ee->win, ee->win + 1, (size_t)(ee->nwin - 1) * sizeof(*ee->win));
	ee->nwin--;
	return 1;
}

double ctk_epoch_energy_total_j(const struct ctk_epoch_energy *ee)
{
	double e = 0;

	for (int d = 0; d < ee->ndev; d++)
		e += ee->dev[d].last_j;
	return e;
}
