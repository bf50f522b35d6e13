// Knowledge-gap insights and verification plans: what engineers looked for and did not find, what they
// reported, what is stale and who must fix it.
//
// Usage:
//   auto log = kb::UsageLog::Open("usage.sqlite", {.read_only = true});
//   auto searcher = kb::Searcher::Open({"kb.db"});
//   auto insights = kb::ComputeInsights(**log, searcher->get(), {.days = 7});
//   std::string post = kb::InsightsToMarkdown(*insights);   // for a chat channel
//
//   auto plan = kb::PlanVerification(**searcher, {.owner = "payments"});
//   std::string todo = kb::VerificationToMarkdown(*plan);
//
// Queries are grouped by NormalizeQuery() (kb/usage_log.h): "refund failed" and "refunds failing" are one
// group, with the raw forms as examples. A search "was clicked" when an open or copy event carries a query of
// the same group within the window.
//
// Items (titles, owners, staleness, never-shown items) come from a Searcher's index, every item of it; without
// a Searcher those parts are empty.
//
// Thread-safety: the functions are reentrant; the Searcher passed in is used by the calling thread only.
#ifndef KB_INSIGHTS_H_
#define KB_INSIGHTS_H_

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "kb/searcher.h"
#include "kb/status.h"
#include "kb/usage_log.h"

namespace kb {

struct InsightsOptions {
  // The window: the last `days` days up to `now_ms`. 1..3650. Default: 30.
  int days = 30;
  // Rows per list. Default: 20.
  int limit = 20;
  // Raw queries (and comments) shown per group. Default: 5.
  int examples = 5;
  // End of the window, Unix milliseconds; 0 = now. Also the day staleness is judged on.
  std::int64_t now_ms = 0;
};

struct QueryCount {
  std::string query;
  int count = 0;
};

// One group of queries that normalise to the same key.
struct QueryGroup {
  std::string key;                    // NormalizeQuery() of the group
  std::string query;                  // its most frequent raw form
  int searches = 0;                   // searches in the window (gap reports: reports)
  int no_result = 0;                  // of which found nothing
  int clicks = 0;                     // opens + copies carrying a query of this group
  std::vector<QueryCount> examples;   // raw forms, most frequent first
  std::vector<std::string> comments;  // gap reports only: latest comments first
  std::string last_seen;              // YYYY-MM-DD (UTC)
  // A pasted message (a line break, or over 100 bytes or 15 words) is not shown whole: `key`, `query` and the
  // examples become masked excerpts of at most 80 bytes, and the group is named by its matched topic.
  bool pasted = false;
  std::string topic_id;  // pasted groups: the item most often ranked first for them ("" if none)
  std::string topic;     // its title ("" without a Searcher or when the item is gone)
  // Gap lists only (no_result_queries, no_click_queries, gap_reports), with a Searcher: the team to route the
  // gap to, the owner of most of the nearest items (the query's top results, or each word's when the whole
  // query finds nothing); "" when nothing is near.
  std::string owner;
  std::string nearest_id;  // the nearest item
  std::string nearest_title;
  // Marked reviewed in the usage log (UsageLog::MarkReviewed), on this day (YYYY-MM-DD); "" = not reviewed.
  std::string reviewed;
};

// A word engineers searched for that no item holds in any form today (SearchResponse::missing_words of the
// logged queries, judged against the index as it is now: a word an item has gained since drops out).
struct MissingWord {
  std::string word;
  int searches = 0;                 // searches in the window whose query has it
  std::vector<QueryCount> queries;  // those queries as logged, most frequent first (at most `examples`)
  std::string last_seen;            // YYYY-MM-DD (UTC)
  // No owner: the items such a query finds match its other words ("gdpr request" finds rate limits), so they
  // say nothing of the team that should write about the word.
};

struct ReportedItem {
  std::string id;
  std::string title;  // "" when the item is not (or no longer) in the index
  std::string owner;
  int not_helpful = 0;
  int kb_lacks = 0;
  std::vector<std::string> comments;  // latest first
  std::vector<QueryCount> queries;    // queries it was reported under
};

struct TrendDay {
  std::string day;  // YYYY-MM-DD (UTC)
  int searches = 0;
  int no_result = 0;
  double no_result_share = 0;  // no_result / searches; 0 without searches
  int opens = 0;
  int copies = 0;
  int reports = 0;  // not_helpful + kb_lacks
};

// An item as the insights and verification plans show it.
struct ItemRef {
  std::string id;
  std::string title;
  std::string owner;
  std::string path;
  std::string verified;     // YYYY-MM-DD or ""
  std::string stale_after;  // YYYY-MM-DD or ""
  int days_overdue = 0;     // days past stale_after; negative = due in that many days
};

struct OwnerItems {
  std::string owner;  // "" = items without an owner
  std::vector<ItemRef> items;
  int more = 0;  // items left out by a limit
};

struct Insights {
  int days = 0;
  std::string since;  // first day of the window, YYYY-MM-DD
  std::string until;  // last day of the window
  int searches = 0;
  int no_result_searches = 0;
  int distinct_queries = 0;  // query groups
  int opens = 0;
  int copies = 0;
  int not_helpful = 0;
  int kb_lacks = 0;
  std::vector<QueryGroup> top_queries;
  std::vector<QueryGroup> no_result_queries;  // no_result > 0, by no_result
  std::vector<QueryGroup> no_click_queries;   // found results, never opened or copied: a gap too
  std::vector<QueryGroup> gap_reports;        // "the KB lacks this" / "did not help" about a query, no item
  // Words of typed queries that no item holds, most searched first (needs a Searcher; the 1,000 most
  // frequent queries of the window are read).
  std::vector<MissingWord> missing_words;
  std::vector<ReportedItem> most_reported_items;
  std::vector<TrendDay> trend;             // every day of the window, oldest first
  int items = 0;                           // items in the index (0 without a Searcher)
  std::vector<ItemRef> never_shown_items;  // in no result list within the window (first `limit`)
  int never_shown_total = 0;
  std::vector<OwnerItems> stale_by_owner;  // most stale items first; within, most overdue first
  int stale_total = 0;
};

// REQUIRES: searcher is null or used by this thread only.
// Reviewed marks are read with the rest; ApplyReviewed() refreshes them on an Insights kept in a cache.
Result<Insights> ComputeInsights(const UsageLog& log, Searcher* searcher, const InsightsOptions& options = {});
// A chat-ready Markdown summary, and the whole structure as JSON (the body of GET /api/insights).
std::string InsightsToMarkdown(const Insights& insights);
// Sets QueryGroup::reviewed on every gap list from `reviewed` (query key → day, UsageLog::Reviewed()).
void ApplyReviewed(const std::unordered_map<std::string, std::string>& reviewed, Insights* insights);
std::string InsightsToJson(const Insights& insights);

struct VerificationOptions {
  // The day items are judged on, YYYY-MM-DD; "" = today (UTC).
  std::string today;
  // Only this owner team ("" = every team; compared case-insensitively).
  std::string owner;
  // Items due within this many days are listed after the overdue ones. Default: 30.
  int horizon_days = 30;
  // Items listed per team at most; 0 = all. Default: 0.
  int limit_per_owner = 0;
};

struct OwnerVerification {
  std::string owner;
  int overdue = 0;
  int due_soon = 0;
  std::vector<ItemRef> items;  // overdue first (most overdue first), then by stale_after
  int more = 0;                // items left out by limit_per_owner
};

struct VerificationPlan {
  std::string today;
  int horizon_days = 0;
  std::vector<OwnerVerification> owners;  // by owner name
};

// Per owner team, what to verify next: items past or near verified + verify_every.
Result<VerificationPlan> PlanVerification(Searcher& searcher, const VerificationOptions& options = {});
std::string VerificationToMarkdown(const VerificationPlan& plan);
std::string VerificationToJson(const VerificationPlan& plan);

}  // namespace kb

#endif  // KB_INSIGHTS_H_
