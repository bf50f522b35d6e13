// A program outside the kb tree: indexes one item and finds it, through the installed package only.
#include <kb/kb.h>

#include <iostream>

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  auto item = kb::ParseItem("hello.md", "---\ntitle: Hello\nowner: support-ops\n---\n# Hello\n\nConsumer works.\n");
  if (!item.ok()) {
    std::cerr << item.status().ToString() << "\n";
    return 1;
  }
  auto writer = kb::IndexWriter::Open(argv[1], {});
  if (!writer.ok() || !(*writer)->Upsert(*item).ok() || !(*writer)->Commit().ok()) return 1;
  auto searcher = kb::Searcher::Open({argv[1]});
  if (!searcher.ok()) return 1;
  auto res = (*searcher)->Search({.query = "consumer"});
  if (!res.ok() || res->hits.size() != 1 || res->hits[0].id != "hello") {
    std::cerr << "consumer search failed\n";
    return 1;
  }
  std::cout << "found " << res->hits[0].id << " owned by " << res->hits[0].owner << "\n";
  return 0;
}
