#include "kb/index_writer.h"

#include <fcntl.h>
#include <unistd.h>
#include <xapian.h>

#include <ctime>
#include <filesystem>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "schema.h"
#include "shard_layout.h"
#include "stored.h"
#include "term_prefixes.h"
#include "text.h"
#include "writer_internal.h"
#include "xapian_util.h"

namespace kb {

using internal::Guard;

struct IndexWriter::Rep {
  std::string path;
  WriterOptions options;
  Xapian::WritableDatabase db;
  internal::TextIndexer indexer;
  bool in_transaction = false;
  // Spelling changes of the uncommitted documents, applied to Xapian once per word at Commit: + for the words
  // of added documents, - for those of replaced and removed ones (Xapian never drops a word on its own, so
  // "did you mean" would keep offering words of deleted articles). TermGenerator's FLAG_SPELLING calls
  // add_spelling for every word occurrence, code and number; with this the 14k-file build went from 30 to 21 s
  // of CPU (bench/README.md, "Performance").
  internal::SpellingCounts spelling;
};

IndexWriter::IndexWriter(std::unique_ptr<Rep> rep) : rep_(std::move(rep)) {}

IndexWriter::~IndexWriter() {
  if (rep_ && rep_->in_transaction) {
    try {
      rep_->db.cancel_transaction();
    } catch (...) {
      // Nothing to report to: the uncommitted changes are dropped either way.
    }
  }
}

namespace {

std::string NowIso() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// Whether a word is worth a "did you mean" entry. Words with digits (error codes, versions, hex, GUID parts) and
// very short or long tokens are left out: a correction towards another code or id would be wrong, and every
// entry makes the dictionary, and so each spelling lookup at query time, larger.
bool SpellingWord(std::string_view word) {
  constexpr std::size_t kMinBytes = 3, kMaxBytes = 32;
  if (word.size() < kMinBytes || word.size() > kMaxBytes) return false;
  for (char c : word) {
    if (c >= '0' && c <= '9') return false;
  }
  return true;
}

// Takes back the spelling words of the document stored under `key`, if there is one.
void UncollectStored(const Xapian::WritableDatabase& db, const std::string& key, internal::SpellingCounts& out) {
  Xapian::PostingIterator p = db.postlist_begin(key);
  if (p != db.postlist_end(key)) internal::CollectSpelling(db.get_document(*p), -1, out);
}

// Empties the spelling dictionary (a rebuild adds every word again).
void ClearSpelling(Xapian::WritableDatabase& db) {
  std::vector<std::pair<std::string, Xapian::termcount>> words;
  for (auto it = db.spellings_begin(); it != db.spellings_end(); ++it) words.emplace_back(*it, it.get_termfreq());
  for (const auto& [word, freq] : words) db.remove_spelling(word, freq);
}

// Xapian creates a glass database's table files before its version file (iamglass) and then refuses to open a
// directory that has the tables but no version file. That is what a first build killed at the wrong moment
// leaves; nothing was ever committed there, so Xapian's own files are removed and the database created again.
// A directory holding anything else is left alone (Xapian reports it, so a mistyped --db loses nothing).
void ClearInterruptedCreate(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(path, ec) || fs::exists(fs::path(path) / internal::kGlassVersionFile, ec)) return;
  std::vector<fs::path> xapian_files;
  for (const fs::directory_entry& e : fs::directory_iterator(path, ec)) {
    const std::string name = e.path().filename().string();
    const bool ours = name == "flintlock" || name.ends_with(".glass") || name.ends_with(".tmp");
    if (!ours || !e.is_regular_file(ec)) return;
    xapian_files.push_back(e.path());
  }
  if (ec) return;
  // Another writer creating the database right now holds the lock (Xapian's OFD lock on byte 0 of flintlock).
  if (const int fd = ::open((fs::path(path) / "flintlock").c_str(), O_RDONLY | O_CLOEXEC); fd >= 0) {
    struct flock probe = {};
    probe.l_type = F_WRLCK;
    probe.l_whence = SEEK_SET;
    probe.l_len = 1;
    const bool held = ::fcntl(fd, F_OFD_GETLK, &probe) != 0 || probe.l_type != F_UNLCK;
    ::close(fd);
    if (held) return;
  }
  for (const fs::path& f : xapian_files) fs::remove(f, ec);
}

// The glass database at `path` opened for writing (created if missing when `create`), waiting for another
// writer's lock when `wait_for_lock`. REQUIRES: `path` is not empty. Throws Xapian's errors; callers Guard them.
Xapian::WritableDatabase OpenWritable(const std::string& path, bool create, bool wait_for_lock) {
  if (create) ClearInterruptedCreate(path);
  int flags = (create ? Xapian::DB_CREATE_OR_OPEN : Xapian::DB_OPEN) | Xapian::DB_BACKEND_GLASS;
  if (wait_for_lock) flags |= Xapian::DB_RETRY_LOCK;
  return Xapian::WritableDatabase(path, flags);
}

// Deletes every document: a full rebuild inside the same transaction as the new documents.
void DeleteAll(Xapian::WritableDatabase& db) {
  std::vector<Xapian::docid> ids;
  for (auto it = db.postlist_begin(""); it != db.postlist_end(""); ++it) ids.push_back(*it);
  for (Xapian::docid id : ids) db.delete_document(id);
}

}  // namespace

namespace internal {

// As FLAG_SPELLING counted them: once per occurrence.
void CollectSpelling(const Xapian::Document& doc, int sign, SpellingCounts& out) {
  for (auto it = doc.termlist_begin(); it != doc.termlist_end(); ++it) {
    const std::string& term = *it;
    if (term.empty() || (term[0] >= 'A' && term[0] <= 'Z') || !SpellingWord(term)) continue;
    Xapian::termcount occurrences = it.positionlist_count();
    if (occurrences > 0) out[term] += sign * static_cast<long long>(occurrences);
  }
}

Status CheckItemKey(const Item& item) {
  if (item.id.empty()) return Status::InvalidArgument(item.path + ": item has no id");
  if (item.id.size() + std::string_view(kPrefixId).size() > kMaxTermBytes) {
    return Status::InvalidArgument(item.path + ": id is longer than " + std::to_string(kMaxItemIdBytes) + " bytes");
  }
  return Status::Ok();
}

Result<Xapian::WritableDatabase> LockDatabase(const std::string& path, bool wait_for_lock) {
  return Guard("opening " + path + " for writing", [&]() -> Result<Xapian::WritableDatabase> {
    if (path.empty()) return Status::InvalidArgument("no database path given");
    return OpenWritable(path, /*create=*/true, wait_for_lock);
  });
}

}  // namespace internal

Result<std::unique_ptr<IndexWriter>> IndexWriter::Open(const std::string& path, const WriterOptions& options) {
  return Guard("opening " + path + " for writing", [&]() -> Result<std::unique_ptr<IndexWriter>> {
    if (path.empty()) return Status::InvalidArgument("no database path given");
    auto rep = std::make_unique<Rep>();
    rep->path = path;
    rep->options = options;
    rep->db = OpenWritable(path, options.create, options.wait_for_lock);
    if (!options.overwrite) {
      if (Status s = internal::CheckSchema(rep->db.get_metadata(std::string(internal::kMetaSchema)), path); !s.ok()) {
        return s;
      }
    }
    rep->indexer.tg.set_database(rep->db);
    rep->db.begin_transaction(true);
    rep->in_transaction = true;
    if (options.overwrite) {
      DeleteAll(rep->db);
      ClearSpelling(rep->db);
    }
    return std::unique_ptr<IndexWriter>(new IndexWriter(std::move(rep)));
  });
}

Status IndexWriter::Upsert(const Item& item) {
  return Guard("indexing " + item.path, [&]() -> Status {
    if (Status s = internal::CheckItemKey(item); !s.ok()) return s;
    std::string key = std::string(internal::kPrefixId) + item.id;
    Xapian::Document doc = internal::BuildDocument(item, rep_->indexer, rep_->options.default_lang,
                                                   rep_->options.field_weights, rep_->options.code_words);
    if (rep_->options.spelling) {
      UncollectStored(rep_->db, key, rep_->spelling);
      internal::CollectSpelling(doc, +1, rep_->spelling);
    }
    rep_->db.replace_document(key, doc);
    return Status::Ok();
  });
}

Status IndexWriter::Remove(const std::string& id) {
  return Guard("removing " + id, [&]() -> Status {
    std::string key = std::string(internal::kPrefixId) + id;
    if (!rep_->db.term_exists(key)) return Status::NotFound("no item with id '" + id + "'");
    if (rep_->options.spelling) UncollectStored(rep_->db, key, rep_->spelling);
    rep_->db.delete_document(key);
    return Status::Ok();
  });
}

Result<std::vector<IndexedItem>> IndexWriter::ListItems(const std::string& source) const {
  return Guard("listing items", [&]() -> Result<std::vector<IndexedItem>> {
    const Xapian::Database& db = rep_->db;
    std::string term = source.empty() ? std::string() : internal::FilterTerm("source", source);
    std::vector<Xapian::docid> ids;
    for (auto it = db.postlist_begin(term); it != db.postlist_end(term); ++it) ids.push_back(*it);
    std::vector<IndexedItem> out(ids.size());
    // Each slot's values are read as one stream in docid order: fetching them document by document costs a
    // B-tree lookup per value, most of a no-change update when the index is not in the page cache.
    auto fill = [&](Xapian::valueno slot, std::string IndexedItem::*field) {
      Xapian::ValueIterator v = db.valuestream_begin(slot);
      const Xapian::ValueIterator end = db.valuestream_end(slot);
      for (std::size_t i = 0; i < ids.size() && v != end; ++i) {
        v.skip_to(ids[i]);
        if (v != end && v.get_docid() == ids[i]) out[i].*field = *v;
      }
    };
    fill(internal::kSlotId, &IndexedItem::id);
    fill(internal::kSlotSource, &IndexedItem::source);
    fill(internal::kSlotPath, &IndexedItem::path);
    fill(internal::kSlotHash, &IndexedItem::content_hash);
    fill(internal::kSlotStamp, &IndexedItem::file_stamp);
    return out;
  });
}

Status IndexWriter::SetSynonyms(const std::vector<std::vector<std::string>>& groups) {
  return Guard("setting synonyms", [&]() -> Status {
    Xapian::WritableDatabase& db = rep_->db;
    std::vector<std::string> keys;
    for (auto it = db.synonym_keys_begin(); it != db.synonym_keys_end(); ++it) keys.push_back(*it);
    for (const std::string& k : keys) db.clear_synonyms(k);
    Xapian::Stem stem = internal::MakeStemmer(rep_->options.default_lang);
    for (const auto& group : groups) {
      std::vector<std::string> forms;  // each entry lowercased, its words joined by one space
      for (const std::string& entry : group) {
        std::string form;
        for (const std::string& word : internal::Split(Xapian::Unicode::tolower(entry), ' ')) {
          if (!form.empty()) form += ' ';
          form += word;
        }
        if (!form.empty()) forms.push_back(std::move(form));
      }
      for (const std::string& a : forms) {
        for (const std::string& b : forms) {
          if (a == b) continue;
          if (a.find(' ') != std::string::npos || b.find(' ') != std::string::npos) {
            // Xapian synonyms map a key to one term: a pair with a phrase is kept apart, for the searcher to look
            // the query's words and runs of words up (SynonymForms).
            db.add_synonym(std::string(internal::kSynonymForm) + a, b);
            continue;
          }
          // Two words: the QueryParser expands each into the other, as written and stemmed.
          db.add_synonym(a, b);
          // Built with append: GCC 12 warns (-Wrestrict, a false positive) on "Z" + std::string here.
          std::string za("Z"), zb("Z");
          za += stem(a);
          zb += stem(b);
          db.add_synonym(za, zb);
        }
      }
    }
    return Status::Ok();
  });
}

Status IndexWriter::SetMetadata(const std::string& key, const std::string& value) {
  if (key.rfind("kb:", 0) == 0) return Status::InvalidArgument("metadata keys starting with 'kb:' are reserved");
  if (key.empty() || key.size() > 200) return Status::InvalidArgument("metadata key must be 1..200 bytes");
  return Guard("setting metadata", [&]() -> Status {
    rep_->db.set_metadata(key, value);
    return Status::Ok();
  });
}

Result<std::string> IndexWriter::GetMetadata(const std::string& key) const {
  return Guard("reading metadata", [&]() -> Result<std::string> { return rep_->db.get_metadata(key); });
}

Status IndexWriter::Commit() {
  return Guard("committing " + rep_->path, [&]() -> Status {
    for (const auto& [word, delta] : rep_->spelling) {
      if (delta > 0) rep_->db.add_spelling(word, static_cast<Xapian::termcount>(delta));
      if (delta < 0) rep_->db.remove_spelling(word, static_cast<Xapian::termcount>(-delta));
    }
    rep_->spelling.clear();
    rep_->db.set_metadata(std::string(internal::kMetaSchema), std::to_string(kSchemaVersion));
    rep_->db.set_metadata(std::string(internal::kMetaUpdated), NowIso());
    rep_->db.commit_transaction();
    rep_->in_transaction = false;
    rep_->db.begin_transaction(true);
    rep_->in_transaction = true;
    return Status::Ok();
  });
}

std::size_t IndexWriter::DocCount() const {
  try {
    return rep_->db.get_doccount();
  } catch (...) {
    return 0;
  }
}

}  // namespace kb
