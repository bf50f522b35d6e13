// Insights and verification plans as chat-ready Markdown and as JSON.
//
// Queries and comments are typed by users: in Markdown they go into code spans or are escaped, so that a
// query cannot format the post or mention a channel.
#include <cmath>
#include <nlohmann/json.hpp>
#include <string>

#include "kb/insights.h"

namespace kb {
namespace {

using nlohmann::json;

// Cuts at `max` bytes without splitting a UTF-8 sequence, and folds line breaks.
std::string Clip(const std::string& s, std::size_t max) {
  std::string out = s.size() <= max ? s : s.substr(0, max);
  if (out.size() < s.size()) {
    while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xC0) == 0x80) out.pop_back();
    if (!out.empty() && static_cast<unsigned char>(out.back()) >= 0xC0) out.pop_back();
    out += "…";
  }
  for (char& c : out) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  return out;
}

std::string Code(const std::string& s) {
  std::string text = Clip(s, 120);
  for (char& c : text) {
    if (c == '`') c = '\'';
  }
  return text.empty() ? "(empty)" : "`" + text + "`";
}

std::string Escaped(const std::string& s, std::size_t max = 300) {
  std::string out;
  for (char c : Clip(s, max)) {
    if (std::string_view("\\`*_[]<>|#~@").find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

std::string Percent(double share) { return std::to_string(static_cast<int>(std::lround(share * 100))) + "%"; }

// "1 search", "2 searches".
std::string Count(int n, const char* one, const char* many) { return std::to_string(n) + " " + (n == 1 ? one : many); }

std::string Owner(const std::string& owner) { return owner.empty() ? "(no owner)" : Escaped(owner); }

std::string ItemLabel(const std::string& id, const std::string& title) {
  return title.empty() ? Code(id) : "**" + Escaped(title) + "** (" + Code(id) + ")";
}

std::string Quotes(const std::vector<std::string>& comments) {
  std::string out;
  for (const std::string& c : comments) out += (out.empty() ? " — “" : "; “") + Escaped(c, 200) + "”";
  return out;
}

// A query as typed; a pasted message as its topic and a masked excerpt.
std::string GroupLabel(const QueryGroup& g) {
  const std::string query = Code(g.query.empty() ? g.key : g.query);
  if (!g.pasted) return query;
  const std::string topic = g.topic_id.empty() ? "no matching item" : ItemLabel(g.topic_id, g.topic);
  return "pasted message about " + topic + ": " + query;
}

// " (LEAD `q1` ×n1, `q2` ×n2)": the raw queries behind a line.
std::string QueryCounts(const char* lead, const std::vector<QueryCount>& queries) {
  std::string out = std::string(" (") + lead;
  for (std::size_t i = 0; i < queries.size(); ++i) {
    out += (i ? ", " : " ") + Code(queries[i].query) + " ×" + std::to_string(queries[i].count);
  }
  return out + ")";
}

void GroupList(const std::vector<QueryGroup>& groups, const char* one, const char* many, std::string* md) {
  if (groups.empty()) *md += "_none_\n";
  int n = 0;
  for (const QueryGroup& g : groups) {
    *md += std::to_string(++n) + ". " + GroupLabel(g) + " — " + Count(g.searches, one, many);
    if (g.examples.size() > 1 && !g.pasted) *md += QueryCounts("as", g.examples);
    *md += Quotes(g.comments);
    if (!g.owner.empty()) *md += " → " + Owner(g.owner);
    if (!g.reviewed.empty()) *md += " (reviewed " + g.reviewed + ")";
    *md += "\n";
  }
}

// Each word with its searches and the queries it was typed in.
void MissingWordList(const std::vector<MissingWord>& words, std::string* md) {
  if (words.empty()) *md += "_none_\n";
  int n = 0;
  for (const MissingWord& m : words) {
    *md += std::to_string(++n) + ". " + Code(m.word) + " — " + Count(m.searches, "search", "searches") +
           QueryCounts("in", m.queries) + "\n";
  }
}

json MissingWordsJson(const std::vector<MissingWord>& words) {
  json out = json::array();
  for (const MissingWord& m : words) {
    json queries = json::array();
    for (const QueryCount& q : m.queries) queries.push_back({{"query", q.query}, {"count", q.count}});
    out.push_back({{"word", m.word}, {"searches", m.searches}, {"queries", queries}, {"last_seen", m.last_seen}});
  }
  return out;
}

json GroupJson(const std::vector<QueryGroup>& groups) {
  json out = json::array();
  for (const QueryGroup& g : groups) {
    json examples = json::array();
    for (const QueryCount& e : g.examples) examples.push_back({{"query", e.query}, {"count", e.count}});
    out.push_back({{"key", g.key},
                   {"query", g.query},
                   {"searches", g.searches},
                   {"no_result", g.no_result},
                   {"clicks", g.clicks},
                   {"examples", examples},
                   {"comments", g.comments},
                   {"last_seen", g.last_seen},
                   {"pasted", g.pasted},
                   {"topic_id", g.topic_id},
                   {"topic", g.topic},
                   {"owner", g.owner},
                   {"nearest_id", g.nearest_id},
                   {"nearest_title", g.nearest_title},
                   {"reviewed", g.reviewed}});
  }
  return out;
}

json ItemJson(const ItemRef& item) {
  return {{"id", item.id},
          {"title", item.title},
          {"owner", item.owner},
          {"path", item.path},
          {"verified", item.verified},
          {"stale_after", item.stale_after},
          {"days_overdue", item.days_overdue}};
}

std::string Dump(const json& j) { return j.dump(2, ' ', false, json::error_handler_t::replace) + "\n"; }

}  // namespace

std::string InsightsToMarkdown(const Insights& in) {
  std::string md = "# Knowledge gaps " + in.since + " to " + in.until + " (" + Count(in.days, "day", "days") + ")\n\n";
  const double share = in.searches ? static_cast<double>(in.no_result_searches) / in.searches : 0;
  md += "**" + Count(in.searches, "search", "searches") + "**, **" + Percent(share) + "** found nothing; " +
        Count(in.opens, "result", "results") + " opened, " + Count(in.copies, "answer", "answers") + " copied; " +
        std::to_string(in.not_helpful) + " “did not help”, " + std::to_string(in.kb_lacks) + " “the KB lacks this”.\n";
  md += "\n## Searched for, found nothing\n";
  GroupList(in.no_result_queries, "search", "searches", &md);
  md += "\n## Found results, none opened\n";
  GroupList(in.no_click_queries, "search", "searches", &md);
  md += "\n## Reported as missing from the KB\n";
  GroupList(in.gap_reports, "report", "reports", &md);
  md += "\n## Words no item mentions\n";
  MissingWordList(in.missing_words, &md);
  md += "\n## Most reported items\n";
  if (in.most_reported_items.empty()) md += "_none_\n";
  for (std::size_t i = 0; i < in.most_reported_items.size(); ++i) {
    const ReportedItem& item = in.most_reported_items[i];
    md += std::to_string(i + 1) + ". " + ItemLabel(item.id, item.title) + ", owner " + Owner(item.owner) + " — " +
          std::to_string(item.not_helpful) + " “did not help”, " + std::to_string(item.kb_lacks) +
          " “the KB lacks this”" + Quotes(item.comments) + "\n";
  }
  md += "\n## Top queries\n";
  if (in.top_queries.empty()) md += "_none_\n";
  for (std::size_t i = 0; i < in.top_queries.size(); ++i) {
    const QueryGroup& g = in.top_queries[i];
    md += std::to_string(i + 1) + ". " + GroupLabel(g) + " — " + Count(g.searches, "search", "searches") + ", " +
          std::to_string(g.no_result) + " found nothing, " + std::to_string(g.clicks) + " opened or copied\n";
  }
  md += "\n## Stale items by owner (" + std::to_string(in.stale_total) + ")\n";
  if (in.stale_by_owner.empty()) md += "_none_\n";
  for (const OwnerItems& team : in.stale_by_owner) {
    md += "- **" + Owner(team.owner) + "** (" + std::to_string(team.items.size() + team.more) + ")\n";
    for (const ItemRef& item : team.items) {
      md += "  - " + ItemLabel(item.id, item.title) + " — " + Count(item.days_overdue, "day", "days") + " overdue\n";
    }
    if (team.more > 0) md += "  - and " + std::to_string(team.more) + " more\n";
  }
  md += "\n## Never shown in a result (" + std::to_string(in.never_shown_total) + " of " + std::to_string(in.items) +
        " items)\n";
  for (const ItemRef& item : in.never_shown_items) md += "- " + ItemLabel(item.id, item.title) + "\n";
  if (in.never_shown_total > static_cast<int>(in.never_shown_items.size())) {
    md += "- and " + std::to_string(in.never_shown_total - static_cast<int>(in.never_shown_items.size())) + " more\n";
  }
  md += "\n## Trend\n| day | searches | found nothing | opened | copied | reports |\n|---|---:|---:|---:|---:|---:|\n";
  for (const TrendDay& d : in.trend) {
    md += "| " + d.day + " | " + std::to_string(d.searches) + " | " + std::to_string(d.no_result) + " (" +
          Percent(d.no_result_share) + ") | " + std::to_string(d.opens) + " | " + std::to_string(d.copies) + " | " +
          std::to_string(d.reports) + " |\n";
  }
  return md;
}

std::string InsightsToJson(const Insights& in) {
  json reported = json::array();
  for (const ReportedItem& item : in.most_reported_items) {
    json queries = json::array();
    for (const QueryCount& q : item.queries) queries.push_back({{"query", q.query}, {"count", q.count}});
    reported.push_back({{"id", item.id},
                        {"title", item.title},
                        {"owner", item.owner},
                        {"not_helpful", item.not_helpful},
                        {"kb_lacks", item.kb_lacks},
                        {"reports", item.not_helpful + item.kb_lacks},
                        {"comments", item.comments},
                        {"queries", queries}});
  }
  json trend = json::array();
  for (const TrendDay& d : in.trend) {
    trend.push_back({{"day", d.day},
                     {"searches", d.searches},
                     {"no_result", d.no_result},
                     {"no_result_share", d.no_result_share},
                     {"opens", d.opens},
                     {"copies", d.copies},
                     {"reports", d.reports}});
  }
  json never = json::array();
  for (const ItemRef& item : in.never_shown_items) never.push_back(ItemJson(item));
  json stale = json::array();
  for (const OwnerItems& team : in.stale_by_owner) {
    json items = json::array();
    for (const ItemRef& item : team.items) items.push_back(ItemJson(item));
    stale.push_back({{"owner", team.owner},
                     {"count", static_cast<int>(team.items.size()) + team.more},
                     {"items", items},
                     {"more", team.more}});
  }
  json j = {{"days", in.days},
            {"since", in.since},
            {"until", in.until},
            {"searches", in.searches},
            {"no_result_searches", in.no_result_searches},
            {"distinct_queries", in.distinct_queries},
            {"opens", in.opens},
            {"copies", in.copies},
            {"not_helpful", in.not_helpful},
            {"kb_lacks", in.kb_lacks},
            {"top_queries", GroupJson(in.top_queries)},
            {"no_result_queries", GroupJson(in.no_result_queries)},
            {"no_click_queries", GroupJson(in.no_click_queries)},
            {"gap_reports", GroupJson(in.gap_reports)},
            {"missing_words", MissingWordsJson(in.missing_words)},
            {"most_reported_items", reported},
            {"trend", trend},
            {"items", in.items},
            {"never_shown_items", never},
            {"never_shown_total", in.never_shown_total},
            {"stale_by_owner", stale},
            {"stale_total", in.stale_total}};
  return Dump(j);
}

std::string VerificationToMarkdown(const VerificationPlan& plan) {
  std::string md = "# What to verify next (" + plan.today + ")\n";
  if (plan.owners.empty()) {
    md += "\nNothing is overdue or due within " + std::to_string(plan.horizon_days) + " days.\n";
  }
  for (const OwnerVerification& team : plan.owners) {
    md += "\n## " + Owner(team.owner) + ": " + std::to_string(team.overdue) + " overdue, " +
          std::to_string(team.due_soon) + " due within " + std::to_string(plan.horizon_days) + " days\n";
    for (const ItemRef& item : team.items) {
      md += "- [ ] " + ItemLabel(item.id, item.title);
      if (!item.path.empty()) md.append(" ").append(Code(item.path));
      if (item.days_overdue > 0) {
        md += " — **overdue by " + Count(item.days_overdue, "day", "days") + "** (stale since " + item.stale_after;
      } else {
        md += " — due " +
              (item.days_overdue == 0 ? std::string("today") : "in " + Count(-item.days_overdue, "day", "days")) +
              " (" + item.stale_after;
      }
      md += item.verified.empty() ? ")\n" : ", verified " + item.verified + ")\n";
    }
    if (team.more > 0) md += "- and " + std::to_string(team.more) + " more\n";
  }
  return md;
}

std::string VerificationToJson(const VerificationPlan& plan) {
  json owners = json::array();
  for (const OwnerVerification& team : plan.owners) {
    json items = json::array();
    for (const ItemRef& item : team.items) items.push_back(ItemJson(item));
    owners.push_back({{"owner", team.owner},
                      {"overdue", team.overdue},
                      {"due_soon", team.due_soon},
                      {"items", items},
                      {"more", team.more}});
  }
  return Dump({{"today", plan.today}, {"horizon_days", plan.horizon_days}, {"owners", owners}});
}

}  // namespace kb
