/* json_get PATH... - reads JSON on stdin and prints the value at each PATH,
 * one per line, for the CLI tests (which must not depend on jq).
 *
 * A PATH is keys and array indexes separated by '.', e.g.
 * "queries.0.records.1.name"; "#" as the last part prints an array's or
 * object's length, "keys" an object's keys joined by ','.  Strings print
 * raw, null as "null", anything else as compact JSON.  Exit status: 0, 1
 * when a path does not exist, 2 when stdin is not JSON. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_t *walk(json_t *v, char *path, int *want_len, int *want_keys)
{
	for (char *part = strtok(path, "."); part != NULL && v != NULL;
	     part = strtok(NULL, ".")) {
		if (strcmp(part, "#") == 0) {
			*want_len = 1;
			break;
		}
		if (strcmp(part, "keys") == 0 && json_is_object(v)) {
			*want_keys = 1;
			break;
		}
		if (json_is_array(v)) {
			char *end;
			unsigned long i = strtoul(part, &end, 10);
			v = *end == '\0' ? json_array_get(v, i) : NULL;
		} else {
			v = json_object_get(v, part);
		}
	}
	return v;
}

int main(int argc, char **argv)
{
	json_error_t jerr;
	json_t *root = json_loadf(stdin, JSON_DECODE_ANY, &jerr);
	int rc = 0;

	if (root == NULL) {
		fprintf(stderr, "json_get: not JSON: %s (line %d)\n", jerr.text, jerr.line);
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		int want_len = 0, want_keys = 0;
		char *path = strdup(argv[i]);
		json_t *v = path ? walk(root, path, &want_len, &want_keys) : NULL;
		if (v == NULL) {
			fprintf(stderr, "json_get: no %s\n", argv[i]);
			rc = 1;
		} else if (want_len) {
			printf("%zu\n", json_is_array(v) ? json_array_size(v) :
							  json_object_size(v));
		} else if (want_keys) {
			const char *key;
			json_t *val;
			const char *sep = "";
			json_object_foreach(v, key, val) {
				printf("%s%s", sep, key);
				sep = ",";
			}
			putchar('\n');
		} else if (json_is_string(v)) {
			printf("%s\n", json_string_value(v));
		} else {
			char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
			printf("%s\n", s ? s : "?");
			free(s);
		}
		free(path);
	}
	json_decref(root);
	return rc;
}
