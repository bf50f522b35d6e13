// What a run writes besides items: per source its commit, root, fingerprint and owners registry, the list of
// sources, the curation rules and the synonyms, the same on every shard.
#include <set>
#include <utility>

#include "content_hash.h"
#include "curation_store.h"
#include "index_run.h"
#include "kb/owners.h"
#include "term_prefixes.h"
#include "text.h"

namespace kb::internal {

// Every shard carries the same metadata, so that any one of them describes the index.
Status Run::SetMetadata(const std::string& key, const std::string& value) {
  for (const auto& writer : writers_) {
    Result<std::string> old = writer->GetMetadata(key);
    if (!old.ok()) return old.status();
    if (*old == value) continue;
    metadata_changed_ = true;
    if (Status s = writer->SetMetadata(key, value); !s.ok()) return s;
  }
  return Status::Ok();
}

Status Run::WriteMetadata() {
  if (Status s = WriteSourceMetadata(); !s.ok()) return s;
  // Curation rules travel in the metadata, so a running server takes them up with its normal reload.
  std::vector<std::pair<std::string, std::string>> curation;
  for (const Source& s : sources_) {
    if (!s.curation_path.empty()) curation.emplace_back(s.curation_path, s.curation_text);
  }
  if (Status s = SetMetadata(internal::kMetaCuration, internal::EncodeCurationFiles(curation)); !s.ok()) return s;
  return WriteSynonyms();
}

Status Run::WriteSourceMetadata() {
  // A parallel build writes into a fresh meta part; the sources it replaces are those of the locked database.
  Result<std::string> old_sources =
      builder_ ? Result<std::string>(old_sources_) : writers_[0]->GetMetadata(kMetaSources);
  if (!old_sources.ok()) return old_sources.status();
  std::set<std::string> current;
  std::string names;
  for (const Source& s : sources_) {
    current.insert(s.name);
    names += s.name + "\n";
    for (auto [what, value] :
         {std::pair{"commit", &s.commit}, {"root", &s.real_root}, {"fingerprint", &s.fingerprint}}) {
      if (Status st = SetMetadata(SourceKey(s.name, what), *value); !st.ok()) return st;
    }
    // The owners registry travels with the index, so that a server shows escalation contacts (kb/owners.h).
    Result<std::string> owners = ReadOwnersFile(s);
    if (!owners.ok()) return owners.status();
    if (Status st = SetMetadata(SourceKey(s.name, "owners"), *owners); !st.ok()) return st;
  }
  for (const std::string& old : internal::Split(*old_sources, '\n')) {
    if (current.count(old)) continue;
    summary_.removed_sources.push_back(old);
    for (const char* what : {"commit", "root", "fingerprint", "owners"}) {
      if (Status st = SetMetadata(SourceKey(old, what), ""); !st.ok()) return st;
    }
  }
  return SetMetadata(kMetaSources, names);
}

Status Run::WriteSynonyms() {
  std::vector<std::vector<std::string>> synonyms;
  std::string flat;
  for (const Source& s : sources_) {
    for (const auto& group : s.synonyms) {
      synonyms.push_back(group);
      for (const std::string& w : group) flat += w + ",";
      flat += "\n";
    }
  }
  const std::string fingerprint = internal::ContentHash(flat);
  bool synonyms_changed = rebuild_;
  for (const auto& writer : writers_) {
    Result<std::string> old_fingerprint = writer->GetMetadata(kMetaSynonyms);
    if (!old_fingerprint.ok()) return old_fingerprint.status();
    synonyms_changed = synonyms_changed || *old_fingerprint != fingerprint;
  }
  if (!synonyms_changed) return Status::Ok();
  // Each shard holds every synonym: a search host may have only some shards locally.
  for (const auto& writer : writers_) {
    if (Status st = writer->SetSynonyms(synonyms); !st.ok()) return st;
  }
  if (Status st = SetMetadata(kMetaSynonyms, fingerprint); !st.ok()) return st;
  metadata_changed_ = true;
  return Status::Ok();
}

}  // namespace kb::internal
