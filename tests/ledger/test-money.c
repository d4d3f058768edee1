/* test-money.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Values of the op contract: money parsing and formatting (D-M1), and the
 * canonical JSON behind body hashes (ops.md §1.2).
 */

#include "config.h"

#include <string.h>

#include "test-util.h"

typedef struct
{
  const char    *text;
  TalaMoneyKind  kind;
  gint64         centavos;   /* when accepted */
  int            error;      /* -1 accepted, else a TalaMoneyError */
} MoneyCase;

static const MoneyCase money_cases[] = {
  { "2500.00", TALA_MONEY_POSITIVE, 250000, -1 },
  { "0.01", TALA_MONEY_POSITIVE, 1, -1 },
  { "99999999.99", TALA_MONEY_POSITIVE, G_GINT64_CONSTANT (9999999999), -1 },
  { "0.00", TALA_MONEY_NON_NEGATIVE, 0, -1 },
  { "-150.25", TALA_MONEY_SIGNED, -15025, -1 },
  { "10.50", TALA_MONEY_SIGNED, 1050, -1 },
  { "1e5", TALA_MONEY_POSITIVE, 0, TALA_MONEY_ERROR_SYNTAX },
  { "-0", TALA_MONEY_SIGNED, 0, TALA_MONEY_ERROR_SYNTAX },
  { "12.345", TALA_MONEY_POSITIVE, 0, TALA_MONEY_ERROR_SYNTAX },
  { "", TALA_MONEY_POSITIVE, 0, TALA_MONEY_ERROR_SYNTAX },
  { " 1", TALA_MONEY_POSITIVE, 0, TALA_MONEY_ERROR_SYNTAX },
  { "1.00 ", TALA_MONEY_POSITIVE, 0, TALA_MONEY_ERROR_SYNTAX },
  { "99999999.995", TALA_MONEY_POSITIVE, 0, TALA_MONEY_ERROR_SYNTAX },
  { "100000000.00", TALA_MONEY_POSITIVE, 0, TALA_MONEY_ERROR_RANGE },
  { "123456789012.00", TALA_MONEY_POSITIVE, 0, TALA_MONEY_ERROR_RANGE },
  { "1", TALA_MONEY_POSITIVE, 0, TALA_MONEY_ERROR_SYNTAX },
  { "1.0", TALA_MONEY_POSITIVE, 0, TALA_MONEY_ERROR_SYNTAX },
  { "01.00", TALA_MONEY_POSITIVE, 0, TALA_MONEY_ERROR_SYNTAX },
  { "+1.00", TALA_MONEY_POSITIVE, 0, TALA_MONEY_ERROR_SYNTAX },
  { "1,000.00", TALA_MONEY_POSITIVE, 0, TALA_MONEY_ERROR_SYNTAX },
  { ".50", TALA_MONEY_POSITIVE, 0, TALA_MONEY_ERROR_SYNTAX },
  { "0x10.00", TALA_MONEY_POSITIVE, 0, TALA_MONEY_ERROR_SYNTAX },
  { "NaN", TALA_MONEY_POSITIVE, 0, TALA_MONEY_ERROR_SYNTAX },
  { "-1.00", TALA_MONEY_POSITIVE, 0, TALA_MONEY_ERROR_SIGN },
  { "-1.00", TALA_MONEY_NON_NEGATIVE, 0, TALA_MONEY_ERROR_SIGN },
  { "0.00", TALA_MONEY_POSITIVE, 0, TALA_MONEY_ERROR_SIGN },
  { "0.00", TALA_MONEY_SIGNED, 0, TALA_MONEY_ERROR_SIGN },
  { "-0.00", TALA_MONEY_SIGNED, 0, TALA_MONEY_ERROR_SIGN },
};

static void
test_money_case (gconstpointer data)
{
  const MoneyCase *c = data;
  g_autoptr(GError) error = NULL;
  gint64 value = -42;
  gboolean ok = tala_money_parse (c->text, c->kind, &value, &error);

  if (c->error < 0)
    {
      g_assert_no_error (error);
      g_assert_true (ok);
      g_assert_cmpint (value, ==, c->centavos);
    }
  else
    {
      g_assert_false (ok);
      g_assert_error (error, TALA_MONEY_ERROR, c->error);
    }
}

static void
test_money_format (void)
{
  static const struct { gint64 c; const char *s; } cases[] = {
    { 0, "0.00" }, { 1, "0.01" }, { 250000, "2500.00" }, { -15025, "-150.25" },
    { G_GINT64_CONSTANT (9999999999), "99999999.99" }, { -5, "-0.05" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = tala_money_format (cases[i].c);
      gint64 back;

      g_assert_cmpstr (text, ==, cases[i].s);
      if (cases[i].c != 0)
        {
          g_assert_true (tala_money_parse (text, TALA_MONEY_SIGNED, &back, NULL));
          g_assert_cmpint (back, ==, cases[i].c);
        }
    }
}

/* An amount out of range in an op is a typed rejection, never a crash. */
static void
test_money_in_ops (LedgerFixture *fx,
                   gconstpointer  data)
{
  static const char *bad[] = { "\"1e5\"", "\"-0\"", "\"12.345\"", "\"\"", "\" 1\"",
                               "\"99999999.995\"", "\"100000000.00\"", "2500", "2500.5",
                               "null", "\"-5.00\"", "\"0.00\"" };

  test_load_f0 (fx);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *args = g_strdup_printf ("{\"student\":\"2025-00001\",\"amount\":%s,"
                                               "\"method\":\"CASH\"}", bad[i]);

      test_apply_rejected (fx, "payment.record", "cashier1", args, "invalid_amount");
    }
  g_assert_cmpint (test_scalar (fx, "SELECT count(*) FROM txn"), ==, 0);
}

static void
test_canonical_form (void)
{
  g_autoptr(JsonObject) a = test_parse_object ("{ \"b\": 1, \"a\": {\"z\": null, \"y\": [3, true,"
                                               " \"x\\u0001\\n\\\"\\\\/é\"]}, \"c\": null }");
  g_autofree char *text = tala_json_canonical_object (a);

  g_assert_cmpstr (text, ==, "{\"a\":{\"y\":[3,true,\"x\\u0001\\n\\\"\\\\/é\"]},\"b\":1}");
}

static void
test_body_hash (void)
{
  g_autoptr(JsonObject) a = test_parse_object (
    "{\"op_id\":\"00000000-0000-4000-8000-000000000001\",\"kind\":\"payment.record\","
    "\"actor\":\"cashier1\",\"device\":\"C01\",\"device_seq\":3,"
    "\"args\":{\"student\":\"2025-00001\",\"amount\":\"10.00\",\"method\":\"CASH\"}}");
  g_autoptr(JsonObject) b = test_parse_object (
    "{\"args\":{\"method\":\"CASH\",\"amount\":\"10.00\",\"student\":\"2025-00001\","
    "\"semester\":null},\"actor\":\"cashier1\",\"kind\":\"payment.record\","
    "\"recorded_at\":\"2026-01-01T00:00:00Z\",\"op_id\":\"00000000-0000-4000-8000-000000000002\"}");
  g_autoptr(JsonObject) c = test_parse_object (
    "{\"op_id\":\"00000000-0000-4000-8000-000000000001\",\"kind\":\"payment.record\","
    "\"actor\":\"cashier1\",\"args\":{\"student\":\"2025-00001\",\"amount\":\"10.00\","
    "\"method\":\"CASH\",\"notes\":\"x\"}}");
  g_autofree char *ha = tala_op_body_hash (a);
  g_autofree char *hb = tala_op_body_hash (b);
  g_autofree char *hc = tala_op_body_hash (c);

  /* Envelope members outside {actor, args, kind}, member order and explicit
   * nulls do not change the hash; an extra arg does. */
  g_assert_cmpuint (strlen (ha), ==, 64);
  g_assert_cmpstr (ha, ==, hb);
  g_assert_cmpstr (ha, !=, hc);
}

static void
test_timestamps (void)
{
  gint64 us;
  g_autofree char *text = NULL;

  g_assert_true (tala_timestamp_parse ("2025-06-02T01:00:00Z", &us));
  text = tala_timestamp_format (us);
  g_assert_cmpstr (text, ==, "2025-06-02T01:00:00Z");
  g_assert_true (tala_timestamp_parse ("2024-02-29T23:59:59.123456Z", &us));
  g_assert_cmpint (us % 1000000, ==, 123456);
  g_assert_false (tala_timestamp_parse ("2025-02-29T00:00:00Z", &us));
  g_assert_false (tala_timestamp_parse ("2025-06-02 01:00:00Z", &us));
  g_assert_false (tala_timestamp_parse ("2025-06-02T01:00:00+08:00", &us));
  g_assert_false (tala_timestamp_parse ("2025-06-02T24:00:00Z", &us));
}

/* Fuzz finding F4 (tests/fuzz/README.md): any gint64 is formatted, without
 * the overflow of negating G_MININT64 (UBSan under scripts/sanitize); the
 * years 1..9999 round-trip through tala_timestamp_parse(). */
static void
test_timestamps_int64_range (void)
{
  static const struct
  {
    gint64      us;
    const char *text;
  } cases[] = {
    { G_MININT64, "-290308-12-21T19:59:05Z" },
    { G_MININT64 + 1, "-290308-12-21T19:59:05Z" },
    { G_MAXINT64, "294247-01-10T04:00:54Z" },
    { -1, "1969-12-31T23:59:59Z" },
    { -1000000, "1969-12-31T23:59:59Z" },
    { -1000001, "1969-12-31T23:59:58Z" },
    { 0, "1970-01-01T00:00:00Z" },
    { G_GINT64_CONSTANT (-62135596800000000), "0001-01-01T00:00:00Z" },
    { G_GINT64_CONSTANT (253402300799999999), "9999-12-31T23:59:59Z" },
    { G_GINT64_CONSTANT (1234567890123456), "2009-02-13T23:31:30Z" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = tala_timestamp_format (cases[i].us);
      gint64 back;

      g_assert_cmpstr (text, ==, cases[i].text);
      /* Only years of four digits are timestamps of the op contract. */
      if (cases[i].us >= G_GINT64_CONSTANT (-62135596800000000) &&
          cases[i].us <= G_GINT64_CONSTANT (253402300799999999))
        {
          g_assert_true (tala_timestamp_parse (text, &back));
          g_assert_cmpint (back, ==, cases[i].us - (cases[i].us % 1000000 + 1000000) % 1000000);
        }
      else
        g_assert_false (tala_timestamp_parse (text, &back));
    }
}

/* Reads a committed fuzz regression input, tests/fuzz/TARGET/NAME. */
static char *
fuzz_input (const char *target,
            const char *name,
            gsize      *length)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "fuzz", target, name, NULL);
  char *contents = NULL;

  g_assert_true (g_file_get_contents (path, &contents, length, &error));
  g_assert_no_error (error);
  return contents;
}

/* Whether @text is JSON that canonicalizes to itself. */
static void
assert_canonical_stable (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *again = NULL;

  g_assert_true (tala_json_is_strict (text, strlen (text)));
  g_assert_true (g_utf8_validate (text, -1, NULL));
  g_assert_true (json_parser_load_from_data (parser, text, -1, NULL));
  again = tala_json_canonical (json_parser_get_root (parser));
  g_assert_cmpstr (again, ==, text);
}

/* Fuzz finding F1: a number beyond a double (1e400) was canonicalized as
 * "inf", which is not JSON, so the canonical text of such an op (what its
 * body hash covers, what the journal keeps) did not parse back. */
static void
test_canonical_beyond_double (void)
{
  static const struct
  {
    const char *json;
    const char *canonical;
  } cases[] = {
    { "{\"a\":1e400}", "{\"a\":1e999}" },
    { "{\"a\":-1e400}", "{\"a\":-1e999}" },
    { "[1e999,-1E+999,0.5,-2.5e-3]", "[1e999,-1e999,0.5,-0.0025000000000000001]" },
    { "{\"a\":[1e400,{\"b\":-1e309}]}", "{\"a\":[1e999,{\"b\":-1e999}]}" },
  };
  gsize length;
  g_autofree char *f1 = fuzz_input ("fuzz-op", "f1-inf-canonical.json", &length);
  g_autoptr(JsonObject) op = NULL;
  g_autofree char *text = NULL;
  g_autofree char *hash = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autofree char *canonical = NULL;

      g_assert_true (json_parser_load_from_data (parser, cases[i].json, -1, NULL));
      canonical = tala_json_canonical (json_parser_get_root (parser));
      g_assert_cmpstr (canonical, ==, cases[i].canonical);
      assert_canonical_stable (canonical);
    }
  /* The input the fuzzer found: an op whose amount is 1e400. */
  op = test_parse_object (g_strchomp (f1));
  text = tala_json_canonical_object (op);
  g_assert_nonnull (strstr (text, "\"amount\":1e999"));
  assert_canonical_stable (text);
  hash = tala_op_body_hash (op);
  g_assert_cmpuint (strlen (hash), ==, 64);
}

/* Finding F5: json-glib 1.6 takes two JSON texts in a row ("{…}{…}"),
 * keeps the second and leaks the first; tala_json_is_strict() is what the
 * hub (request bodies) and the terminal (the hub's answers) check first. */
static void
test_strict_json (void)
{
  static const char *const good[] = {
    "{}", " {\"a\":[1,2.5e3,-0,true,false,null,\"x\\u00e9\\n\"]} \r\n", "[]", "0", "\"s\"",
    "{\"a\":1e999}",
  };
  static const char *const bad[] = {
    "", " ", "{}{}", "{\"a\":\"x\"}{\"b\":\"y\"}", "{} []", "[1,]", "{\"a\":1,}", "{'a':1}",
    "{a:1}", "/* c */ {}", "{} // c", "[01]", "[1.]", "[.5]", "[+1]", "[1e]", "[NaN]",
    "[Infinity]", "[\"\\x\"]", "[\"\\u12\"]", "[\"tab\there\"]", "{\"a\" 1}", "[true false]",
    "nul", "[", "{\"a\":", "-0255[]", "1 2",
  };
  gsize length;
  g_autofree char *f5 = fuzz_input ("fuzz-op", "f5-two-texts-json-glib-leak.json", &length);
  GString *deep = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    g_assert_true (tala_json_is_strict (good[i], strlen (good[i])));
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      if (g_test_verbose ())
        g_test_message ("refused: %s", bad[i]);
      g_assert_false (tala_json_is_strict (bad[i], strlen (bad[i])));
    }
  g_assert_false (tala_json_is_strict (f5, length));
  g_assert_false (tala_json_is_strict (NULL, 0));
  /* The length counts, not a NUL: a NUL inside or text past @length. */
  g_assert_false (tala_json_is_strict ("{}\0{}", 5));
  g_assert_true (tala_json_is_strict ("{}{}", 2));
  /* Nesting past 65 levels is refused (the scanner recurses). */
  for (guint i = 0; i < 66; i++)
    g_string_append_c (deep, '[');
  for (guint i = 0; i < 66; i++)
    g_string_append_c (deep, ']');
  g_assert_true (tala_json_is_strict (deep->str + 1, deep->len - 2));
  g_assert_false (tala_json_is_strict (deep->str, deep->len));
  g_string_free (deep, TRUE);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (money_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/ledger/money/parse/%u-%s", i,
                                               money_cases[i].error < 0 ? "accepted" : "refused");

      g_test_add_data_func (path, &money_cases[i], test_money_case);
    }
  g_test_add_func ("/ledger/money/format", test_money_format);
  g_test_add ("/ledger/money/in-ops", LedgerFixture, NULL, ledger_fixture_setup,
              test_money_in_ops, ledger_fixture_teardown);
  g_test_add_func ("/ledger/json/canonical", test_canonical_form);
  g_test_add_func ("/ledger/json/body-hash", test_body_hash);
  g_test_add_func ("/ledger/json/timestamps", test_timestamps);
  g_test_add_func ("/ledger/json/timestamps-int64-range", test_timestamps_int64_range);
  g_test_add_func ("/ledger/json/canonical-beyond-double", test_canonical_beyond_double);
  g_test_add_func ("/ledger/json/strict", test_strict_json);
  return g_test_run ();
}
