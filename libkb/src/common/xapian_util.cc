#include "xapian_util.h"

#include <functional>
#include <new>
#include <utility>
#include <vector>

namespace kb::internal {

namespace {

// Xapian's message plus the system error behind it, which get_msg() leaves out ("Error writing block 3" alone
// does not say that the disk is full).
std::string Detail(const Xapian::Error& e) {
  const char* sys = e.get_error_string();
  if (sys == nullptr || *sys == '\0' || e.get_msg().find(sys) != std::string::npos) return e.get_msg();
  return e.get_msg() + " (" + sys + ")";
}

// Snowball's Turkish stemmer takes one suffix off a plural and two off its singular: "bildirimler" →
// "bildirim" but "bildirim" → "bildir", "iadeler" → "iade" but "iade" → "ia". A query in one number then missed
// items written in the other. Where the stemmer took off a plural ("-ler", "-lar" and what follows), this
// stems the result once more, so that both numbers meet ("bildirimler", "bildirimleri", "bildirim" → "bildir").
class TurkishStem : public Xapian::StemImplementation {
  // clang-format off
  static constexpr std::string_view kLayers[] = {
      "ler", "lar",                                                         // plural
      "ımız", "imiz", "umuz", "ümüz", "ınız", "iniz", "unuz", "ünüz"};      // our, your
  // clang-format on

 public:
  std::string operator()(const std::string& word) override {
    std::string stem = snowball_(word);
    if (stem.size() < word.size() && word.compare(0, stem.size(), stem) == 0) {
      const std::string_view rest = std::string_view(word).substr(stem.size());
      for (std::string_view suffix : kLayers) {
        if (rest.substr(0, suffix.size()) == suffix) {
          stem = snowball_(stem);
          break;
        }
      }
    }
    return stem;
  }
  std::string get_description() const override { return "kb-turkish"; }

 private:
  Xapian::Stem snowball_{"turkish"};
};

// A stemmer that remembers its recent results: a word seen before is looked up rather than stemmed again. A text
// repeats its words, and the items of a knowledge base share most of theirs (the 16,384 most frequent words are
// 97% of the 14k-file corpus's). The memory is a direct-mapped table of 1 MB, each word in the slot its hash
// picks, the last word to come there keeping it. Stemming went from 5.5% to 3.2% of that build's CPU time; a
// map of every word gained nothing (a hit cost two cache misses, as much as Snowball's stemming), and 1,024
// or 4,096 slots kept 4.1% and 3.7%. Not thread-safe, as the Xapian::Stem it is wrapped in.
class CachingStem : public Xapian::StemImplementation {
 public:
  explicit CachingStem(Xapian::Stem stem) : stem_(std::move(stem)), slots_(kSlots) {}
  std::string operator()(const std::string& word) override {
    // An unused slot holds "" → "", which is right for an empty word too.
    Slot& slot = slots_[std::hash<std::string>{}(word) & (kSlots - 1)];
    if (slot.word != word) {
      slot.stem = stem_(word);
      slot.word = word;
    }
    return slot.stem;
  }
  std::string get_description() const override { return stem_.get_description(); }

 private:
  static constexpr std::size_t kSlots = 16384;  // a power of two
  struct Slot {
    std::string word, stem;
  };
  Xapian::Stem stem_;
  std::vector<Slot> slots_;
};

}  // namespace

Status StatusFromCurrentException(std::string_view context) {
  std::string where(context);
  if (!where.empty()) where += ": ";
  try {
    throw;
  } catch (const Xapian::DatabaseLockError& e) {
    // Only "already locked" means another writer; failing to create the lock file is a permission or
    // read-only file system problem, which waiting would not cure.
    if (e.get_msg().find("already locked") == std::string::npos) {
      return Status::IoError(where + "cannot lock the database (" + Detail(e) +
                             "); check that the directory is writable");
    }
    return Status::Busy(where + "the database is locked by another writer (" + e.get_msg() + ")");
  } catch (const Xapian::DatabaseNotFoundError& e) {
    return Status::NotFound(where + "no kb database there (" + e.get_msg() + "); build one with kb-index build");
  } catch (const Xapian::DatabaseCorruptError& e) {
    return Status::Corruption(where + "the database is corrupt (" + Detail(e) + "); rebuild it");
  } catch (const Xapian::DatabaseOpeningError& e) {
    return Status::IoError(where + "cannot open the database (" + Detail(e) + ")");
  } catch (const Xapian::NetworkTimeoutError& e) {
    return Status::Unavailable(where + "a remote shard timed out (" + e.get_msg() + ")");
  } catch (const Xapian::NetworkError& e) {
    return Status::Unavailable(where + "a remote shard is unreachable (" + e.get_msg() + ")");
  } catch (const Xapian::DatabaseModifiedError& e) {
    return Status::Unavailable(where + "the index changed while reading; retry (" + e.get_msg() + ")");
  } catch (const Xapian::DatabaseError& e) {
    return Status::IoError(where + e.get_type() + ": " + Detail(e));
  } catch (const Xapian::InvalidArgumentError& e) {
    return Status::InvalidArgument(where + e.get_msg());
  } catch (const Xapian::QueryParserError& e) {
    return Status::InvalidArgument(where + "cannot parse the query: " + e.get_msg());
  } catch (const Xapian::Error& e) {
    return Status::Internal(where + e.get_type() + ": " + e.get_msg());
  } catch (const std::bad_alloc&) {
    return Status::Internal(where + "out of memory");
  } catch (const std::exception& e) {
    return Status::Internal(where + e.what());
  } catch (...) {
    return Status::Internal(where + "unknown error");
  }
}

Xapian::Stem MakeStemmer(std::string_view lang) {
  // Xapian takes ISO 639-1 codes itself ("tr" → turkish) and, with `fallback`, gives the no-op stemmer for a
  // code it has no algorithm for. kb's languages are two-letter codes, so Xapian's algorithm names
  // ("english", "porter") are not let through.
  if (lang.size() != 2) return Xapian::Stem();
  if (lang == "tr") return Xapian::Stem(new TurkishStem());
  return Xapian::Stem(std::string(lang), /*fallback=*/true);
}

Xapian::Stem MakeCachingStemmer(std::string_view lang) {
  Xapian::Stem stem = MakeStemmer(lang);
  // The no-op stemmer stays itself: TermGenerator adds no stemmed terms for it (is_none()).
  if (stem.is_none()) return stem;
  return Xapian::Stem(new CachingStem(std::move(stem)));
}

}  // namespace kb::internal
