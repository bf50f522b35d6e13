// PlanVerification: per owner, what to verify next.
#include "insights_items.h"

#include <algorithm>

#include "civil_date.h"
#include "item_walk.h"
#include "stored.h"
#include "text.h"
#include "xapian_util.h"

namespace kb {
namespace {

Result<VerificationPlan> Plan(Searcher& searcher, const VerificationOptions& options) {
  VerificationPlan plan;
  plan.today = options.today.empty() ? Today() : options.today;
  plan.horizon_days = options.horizon_days;
  if (!internal::ParseDate(plan.today, nullptr)) {
    return Status::InvalidArgument("today must be YYYY-MM-DD, not '" + plan.today + "'");
  }
  if (options.horizon_days < 0) return Status::InvalidArgument("horizon_days must be 0 or more");
  const std::string owner_term = options.owner.empty() ? "" : internal::FilterTerm("owner", options.owner);
  Result<std::vector<ItemRef>> items = internal::ListItems(searcher, plan.today, owner_term);
  if (!items.ok()) return items.status();

  std::map<std::string, OwnerVerification> by_owner;
  for (const ItemRef& ref : *items) {
    if (ref.stale_after.empty()) continue;
    if (!options.owner.empty() && internal::AsciiLower(ref.owner) != internal::AsciiLower(options.owner)) continue;
    if (ref.days_overdue < -options.horizon_days) continue;
    OwnerVerification& team = by_owner[ref.owner];
    team.owner = ref.owner;
    ++(ref.days_overdue > 0 ? team.overdue : team.due_soon);
    team.items.push_back(ref);
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
