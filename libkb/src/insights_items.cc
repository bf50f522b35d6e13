// Listing every item through a Searcher, and PlanVerification: per owner, what to verify next.
#include "insights_items.h"

#include <algorithm>
#include <iterator>
#include <set>
#include <string_view>

#include "civil_date.h"
#include "text.h"
#include "xapian_util.h"

namespace kb {
namespace internal {
namespace {

// A Searcher serves at most this many results of one query (page * size <= 10,000).
constexpr int kMaxListed = 10000;
constexpr std::string_view kPartitionFields[] = {"owner", "kind", "product", "lang", "tier"};
constexpr std::size_t kPartitionCount = std::size(kPartitionFields);

using Filters = std::map<std::string, std::vector<std::string>>;

Status Collect(Searcher& searcher, const std::string& today, const Filters& filters, std::size_t level,
               std::set<std::string>* seen, ItemListing* out) {
  SearchRequest req;
  req.filters = filters;
  req.size = kMaxPageSize;
  req.snippets = false;
  req.sort = "title";
  req.today = today;
  if (level < kPartitionCount) req.facets = {std::string(kPartitionFields[level])};
  Result<SearchResponse> res = searcher.Search(req);
  if (!res.ok()) return res.status();
  if (res->total > kMaxListed && level < kPartitionCount) {
    const std::string field(kPartitionFields[level]);
    int covered = 0;
    for (const FacetValue& v : res->facets[field]) {
      covered += v.count;
      Filters narrower = filters;
      narrower[field] = {v.value};
      Status s = Collect(searcher, today, narrower, level + 1, seen, out);
      if (!s.ok()) return s;
    }
    if (covered < res->total) out->complete = false;  // items without a value for `field`
    return Status::Ok();
  }
  if (res->total > kMaxListed) out->complete = false;
  req.facets.clear();
  for (req.page = 1;; ++req.page) {
    if (req.page > 1) {
      res = searcher.Search(req);
      if (!res.ok()) return res.status();
    }
    for (SearchHit& hit : res->hits) {
      if (seen->insert(hit.id).second) out->items.push_back(std::move(hit));
    }
    if (res->hits.size() < static_cast<std::size_t>(req.size) || (req.page + 1) * req.size > kMaxListed) break;
  }
  return Status::Ok();
}

long DaysBetween(const std::string& from, const std::string& to) {
  long a = 0, b = 0;
  if (!ParseDate(from, &a) || !ParseDate(to, &b)) return 0;
  return b - a;
}

}  // namespace

Result<ItemListing> ListAllItems(Searcher& searcher, const std::string& today, const Filters& filters) {
  ItemListing out;
  std::set<std::string> seen;
  Status s = Collect(searcher, today, filters, 0, &seen, &out);
  if (!s.ok()) return s;
  return out;
}

ItemRef MakeItemRef(const SearchHit& hit, const std::string& today) {
  ItemRef ref{hit.id, hit.title, hit.owner, hit.path, hit.verified, hit.stale_after, 0};
  if (!hit.stale_after.empty()) ref.days_overdue = static_cast<int>(DaysBetween(hit.stale_after, today));
  return ref;
}

}  // namespace internal

namespace {

Result<VerificationPlan> Plan(Searcher& searcher, const VerificationOptions& options) {
  VerificationPlan plan;
  plan.today = options.today.empty() ? Today() : options.today;
  plan.horizon_days = options.horizon_days;
  if (!internal::ParseDate(plan.today, nullptr)) {
    return Status::InvalidArgument("today must be YYYY-MM-DD, not '" + plan.today + "'");
  }
  if (options.horizon_days < 0) return Status::InvalidArgument("horizon_days must be 0 or more");
  std::map<std::string, std::vector<std::string>> filters;
  if (!options.owner.empty()) filters["owner"] = {options.owner};
  Result<internal::ItemListing> listing = internal::ListAllItems(searcher, plan.today, filters);
  if (!listing.ok()) return listing.status();
  plan.items_complete = listing->complete;

  std::map<std::string, OwnerVerification> by_owner;
  for (const SearchHit& hit : listing->items) {
    if (hit.stale_after.empty()) continue;
    if (!options.owner.empty() && internal::AsciiLower(hit.owner) != internal::AsciiLower(options.owner)) continue;
    ItemRef ref = internal::MakeItemRef(hit, plan.today);
    if (ref.days_overdue < -options.horizon_days) continue;
    OwnerVerification& team = by_owner[hit.owner];
    team.owner = hit.owner;
    ++(ref.days_overdue > 0 ? team.overdue : team.due_soon);
    team.items.push_back(std::move(ref));
  }
  for (auto& [owner, team] : by_owner) {
    std::sort(team.items.begin(), team.items.end(), [](const ItemRef& a, const ItemRef& b) {
      return a.stale_after != b.stale_after ? a.stale_after < b.stale_after : a.id < b.id;
    });
    if (options.limit_per_owner > 0 && team.items.size() > static_cast<std::size_t>(options.limit_per_owner)) {
      team.more = static_cast<int>(team.items.size()) - options.limit_per_owner;
      team.items.resize(options.limit_per_owner);
    }
    plan.owners.push_back(std::move(team));
  }
  return plan;
}

}  // namespace

Result<VerificationPlan> PlanVerification(Searcher& searcher, const VerificationOptions& options) {
  return internal::Guard("planning verification", [&] { return Plan(searcher, options); });
}

}  // namespace kb
