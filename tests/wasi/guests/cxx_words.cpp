// A C++ guest (libc++ for wasm32-wasi, no exceptions): word frequencies of stdin, sorted by count
// then word, through iostream, std::string, std::map, std::vector and std::sort.
#include <algorithm>
#include <iostream>
#include <map>
#include <string>
#include <vector>

int main(int argc, char **argv) {
  std::map<std::string, int> counts;
  std::string word;
  while (std::cin >> word) {
    std::transform(word.begin(), word.end(), word.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    ++counts[word];
  }
  std::vector<std::pair<std::string, int>> rows(counts.begin(), counts.end());
  std::sort(rows.begin(), rows.end(), [](const auto &a, const auto &b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  const size_t top = argc > 1 ? std::stoul(argv[1]) : rows.size();
  for (size_t i = 0; i < rows.size() && i < top; ++i)
    std::cout << rows[i].second << ' ' << rows[i].first << '\n';
  std::cout << "distinct=" << rows.size() << std::endl;
  return rows.empty() ? 3 : 0;
}
