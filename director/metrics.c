/* director/metrics.c - the control command "metrics": the parent's monitoring view (kept by
 * the event feed from every event, status refreshed now) as Prometheus text exposition, for
 * `tandemctl metrics` and a node_exporter textfile. See docs/monitoring.md. */
#include "director/evfeed.h"

#include <stdlib.h>
#include "director/daemon.h"
#include "snmp/snmp_prom.h"

static json_object *error_reply(const char *msg)
{
	json_object *r = json_object_new_object();

	json_object_object_add(r, "ok", json_object_new_boolean(0));
	json_object_object_add(r, "error", json_object_new_string(msg));
	return r;
}

json_object *dir_metrics_json(struct dir_daemon *d)
{
	const struct snmp_view *v = dir_feed_view(d);
	json_object *r;
	size_t len = 0;
	char *text;

	if (!v)
		return error_reply("metrics are not available (no event feed)");
	text = snmp_prom_render(v, &len);
	if (!text)
		return error_reply("out of memory rendering the metrics");
	r = json_object_new_object();
	json_object_object_add(r, "ok", json_object_new_boolean(1));
	json_object_object_add(r, "content_type", json_object_new_string(SNMP_PROM_CONTENT_TYPE));
	json_object_object_add(r, "text", json_object_new_string_len(text, (int)len));
	free(text);
	return r;
}
