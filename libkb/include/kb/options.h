// kb::SearcherOptions and kb::RankingOptions: how a Searcher ranks and what it may expand.
//
// Every ranking feature is a switch so that the relevance evaluation (bench/) can measure each one alone.
#ifndef KB_OPTIONS_H_
#define KB_OPTIONS_H_

#include <cstddef>
#include <string>

namespace kb {

struct RankingOptions {
  // BM25 parameters (every query shorter than `pasted_query_words`). Default: k1 1.5, b 0.75 — measured on
  // the labeled sets against Xapian's 1 / 0.5 and others (bench/README.md).
  double bm25_k1 = 1.5;
  double bm25_b = 0.75;
  // Field weights: titles, aliases, headings and tags are indexed with larger within-document frequencies than
  // body text (WriterOptions::field_weights). This switch governs the query-time part, `title_boost`.
  // Default: true.
  bool field_weights = true;
  // Queries of up to `long_query_words` words are also matched against titles alone, with this weight
  // (S-prefixed terms). 0 = off. Default: 0 — it helped FAQ-style titles and hurt the other sets.
  double title_boost = 0;
  // The same for aliases (XA terms): the phrasings an article's owner expects people to type. 0 = off.
  // Default: 1 — on the support set it raised typed queries' nDCG@10 by 0.12 (bench/README.md).
  double alias_boost = 1;
  // An exact error code or id in the query ranks its item first. Default: true.
  bool exact_match_first = true;
  // Multi-word queries boost items that contain the words as a phrase or near each other. Default: true.
  bool phrase_boost = true;
  // Verbose queries (over long_query_words) get the title and alias boosts too: a pasted ticket that names an
  // article's alias ("webhook not arriving") is about that article however long it is. Default: true.
  bool long_query_fields = true;
  // Expand query words with synonyms from the database (aliases, synonyms file). Default: true.
  bool synonyms = true;
  // With synonyms: in a group with a phrase ("amex, american express"), a typed query's word or words that are
  // one form also match the others as written, in items without the query's own form (explain part `synonym`).
  // Default: true.
  bool synonym_phrases = true;
  // When a query finds nothing, search the spelling correction instead. Default: true.
  bool spelling_fallback = true;
  // "some" (stem words, keep exact forms), "all" (stem everything), "none"; "all_z" stems every query word,
  // capitalised ones too, but breaks quoted phrases on kb's index (measurement only). Default: "some".
  std::string stemming = "some";
  // English stopwords ("the", "how", "what") are dropped from queries (not from quoted phrases). Default: true.
  bool stopwords = true;
  // Words in lower or sentence case ("Refund", "Why") are lowercased before parsing, so that they are stemmed
  // like the rest; ALL-CAPS words (codes, acronyms, AND/OR/NOT) are left as typed. Default: true.
  bool fold_case = true;
  // Stale items' scores are multiplied by this (1 = no demotion). Default: 0.8.
  double stale_factor = 0.8;
  // Items verified within their interval get this multiplier. Default: 1.05.
  double verified_factor = 1.05;
  // Verbose queries have more than this many words (a sentence, a pasted message, a log excerpt). They get no
  // phrase boost, their hyphenated words are plain words (not phrases), they keep at most
  // `long_query_max_terms` terms, and they get pseudo-relevance feedback. Default: 12.
  int long_query_words = 12;
  // A verbose query keeps at most this many terms (and phrases): the most informative, by repetitions × idf,
  // which bounds the cost of a 300-word paste. Error codes and ids found in it are kept apart. 0 = no limit.
  // Default: 32.
  int long_query_max_terms = 32;
  // Pseudo-relevance feedback for verbose queries: the `feedback_terms` most informative terms (Xapian's ESet)
  // of the first `feedback_docs` results are added with weight `feedback_weight`; they reorder the matches and
  // never add any. 0 documents = off. Default: 3, 20, 0.5.
  int feedback_docs = 3;
  int feedback_terms = 20;
  double feedback_weight = 0.5;
  // The expansion's weight is also scaled by min(1, the query's stem terms / the expansion's terms), so that 20
  // added terms weigh no more than the question they came from. The stem terms are the query's Z-terms, its
  // field boosts' included: "what do I tell the customer when I pass their ticket to another team" holds 8 (4
  // words, each also in the alias boost), and at full weight its expansion gave "Handing over an open ticket"
  // 22.6 against 3.9 for the question's own words. Counting plain stems only cost cranfield 0.406 -> 0.400
  // (bench/README.md). Default: true.
  bool feedback_scaled = true;
  // The feedback's first pass (which finds those documents) for a query of at least `pasted_query_words` words
  // runs the title and alias boosts of long_query_fields too. Without them the two pasted questions of
  // bench/perf over 100k items took 0.65x and 0.82x the time and ranked the same (bench/README.md); shorter
  // queries always run them (without them their rankings moved both ways). Default: false.
  bool feedback_field_boosts = false;
  // Queries of at least this many words (pasted text) are weighted with the divergence-from-randomness model
  // IneB2 instead of BM25: it ranked long queries better (bench/README.md). 0 = BM25 always. Default: 50.
  int pasted_query_words = 50;
  // The best section of an item decides its anchor and snippet. Default: true.
  bool section_scoring = true;
  // With section_scoring, the best section can also decide where the item ranks: within the rerank window its
  // score is multiplied by (1 - section_weight + section_weight × focus), focus being the share of its
  // query-word matches (by idf) that its best section holds — 1 for one-section items. Default: 0 (off): it
  // changed no top-3 result on content/ and cost about 1 ms per query (bench/README.md).
  double section_weight = 0;
  // Items in the query's language first; other languages only when nothing in it matches (or with a
  // `lang:` filter). Off: every language is searched together. Default: true.
  bool language_first = true;
  // With language_first: when no item in the query's language holds any error code or id the query names (as
  // `error_codes` or in its text) and items in other languages do, those items join the query's language's
  // matches: a Turkish message quoting ERR_TEST_MODE_MISMATCH finds the English article that explains it.
  // Off: they show only in the fallback. Default: true.
  bool other_language_codes = true;
  // Text that reads as a pasted message (several lines, or more than `long_query_words` words, or a greeting
  // and a sentence) is cleaned (quotes, greeting, sign-off, signature, phone numbers) and read as plain
  // words, never as operators; off: read as typed. Default: true.
  bool pasted_text = true;
  // The timing words of a typed English question's frame ("long", "often", "soon" after "how"; "take" after
  // "how long") weigh this much, and only reorder the matches of the query's other words; "many" and "much"
  // after "how" are not searched. "how long do payouts take" ranked "Refund timing", whose heading is "How
  // long refunds take", above "Payout schedule"; "how long do refunds take" still wants "Refund timing"; "how
  // many retries for webhooks" ranked "Rate limits" (alias "too many requests") first. 1 = off (every word
  // searched as typed). Default: 0.5.
  double question_frame_weight = 0.5;
  // Scripted answers' scores are multiplied by this unless the query asks what to reply ("reply", "tell the
  // customer", "cevap"): the article that explains a problem comes first, the reply to send next. 1 = off.
  // Default: 0.7 — success@1 on the support set 0.76 → 0.84 (bench/README.md).
  double answer_factor = 0.7;
  // When the query reports a problem ("failed", "stopped arriving", "can't", "gelmiyor"), items whose title
  // or tags name one ("Failed refunds", "Webhooks not arriving", tag `failures`) get score × problem_factor:
  // the article that troubleshoots comes before the overview of the same topic. Pasted messages and scripted
  // answers are left out. 1 = off. Default: 1.2 — success@1 on the support set 0.852 → 0.867 (bench/README.md).
  double problem_factor = 1.2;
  // When a typed query speaks in the first person ("who do I escalate a stuck payout to", "how do I make my
  // replies sound less robotic"), items of front matter `scope: process` (about doing support: escalation,
  // triage, shifts, writing to customers) get score × process_factor: the engineer asks about their own work,
  // not about the product words the question mentions. Messages (a greeting, several lines) and texts over twice
  // long_query_words are left out. 1 = off. Default: 1.3.
  double process_factor = 1.3;
  // Incidents that ended (their `until` before today) get score × ended_factor: a past outage is history, and
  // ranks below the articles that answer today's question unless it alone matches the symptoms well. 1 = off.
  // Default: 0.6.
  double ended_factor = 0.6;
  // A typed query's codes that items mention in their text ("E3001 hatası", "ERR_3DS_TIMEOUT ne demek") weigh
  // this many times more again: items mentioning the code come before items sharing only the other words,
  // also when the item claiming the code (`error_codes`) is in another language. Explain part `code`. 0 = off.
  double code_text_boost = 3;
  // The code weighs once per item that mentions it (boost × its BM25 idf), not by how often the item repeats it:
  // several items mention "P1" and "P2", and the one that repeats them in a table (SLAs) outweighed the one
  // whose sentence answers "is a leaked api key P1 or P2" (triage). False: the term's BM25 weight × boost.
  // Default: true.
  bool code_text_once = true;
  // Items of front matter `scope: kb` (about the knowledge base itself: how to search it, how to write for it)
  // quote product words as examples; they get score × about_kb_factor, so that product articles come first for
  // product words, unless the query names a word of their title ("search results in Turkish only", "gaps in the
  // knowledge base"): then it asks about them (with about_kb_title_lift). 1 = off. Default: 0.6, true.
  double about_kb_factor = 0.6;
  bool about_kb_title_lift = true;
  // Items often opened or copied get score × (1 + popularity_boost × log1p(count)) within the rerank window;
  // counts come from Searcher::SetPopularity (e.g. kb::UsageLog::Popularity). Default: 0 (off).
  double popularity_boost = 0;
};

struct SearcherOptions {
  RankingOptions ranking;
  // Timeout for remote shards (connecting, and each reply), milliseconds. A search with a hung shard fails
  // after about this long, and the next one (which reconnects to learn which shard hangs) once more; then
  // searches fail at once until remote_retry_ms. With allow_partial the first search answers from the
  // others after at most about twice this (the failed search, then reconnecting). Default: 10000.
  int remote_timeout_ms = 10000;
  // When a remote shard does not answer, answer from the others and flag the response
  // (SearchResponse::partial_results, failed_shards). Otherwise the search fails with Unavailable naming the
  // shard. Local shards never count as partial: their failure is always an error. Default: false (fail).
  bool allow_partial = false;
  // A remote shard that failed is not tried again for this long, so that searches meanwhile answer (or fail)
  // at once instead of each waiting for the timeout. Default: 5000.
  int remote_retry_ms = 5000;
  // Cap on wildcard / partial-word expansion: each wildcard matches at most this many terms, the most
  // frequent ones. Default: 50.
  int max_wildcard_expansion = 50;
  // A query whose terms after expansion (synonyms, each wildcard counted as max_wildcard_expansion terms,
  // every query language) exceed this is rejected with InvalidArgument, so that no query costs more than
  // about this many posting lists. 0 = no limit. Default: 1000.
  int max_query_terms = 1000;
  // Queries longer than this many bytes are rejected. Default: 4096 (a pasted log excerpt of ~300 words).
  std::size_t max_query_bytes = 4096;
  // Language for query parsing when the index has several and the query sets none: all present languages
  // are tried. Default: "en".
  std::string default_lang = "en";
  // Where Hunspell dictionaries are (Debian: hunspell-en-us and hunspell-tr install en_US.* and tr_TR.* here). A
  // query word that the index lacks but the dictionary of its language knows (Turkish also typed without its
  // letters, "yaptik") is searched as typed instead of being corrected to the index's nearest word, which is
  // another word ("invoice" → "involve") or another form of it ("etmek" → "etmez"); a typo with two neighbouring
  // letters swapped is still corrected ("retires" → "retries"). Loaded on first use, once per process.
  // "" = no dictionary; a missing one is no error.
  std::string dictionary_dir = "/usr/share/hunspell";
};

}  // namespace kb

#endif  // KB_OPTIONS_H_
