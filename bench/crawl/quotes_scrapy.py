# The reference spider: samples/quotes.spider written for Scrapy 2.8, line for line.
#
#   /usr/bin/python3 -m scrapy runspider bench/crawl/quotes_scrapy.py \
#       -a base=http://127.0.0.1:PORT -O out.jsonl -s CONCURRENT_REQUESTS=16 \
#       -s CONCURRENT_REQUESTS_PER_DOMAIN=16 -s LOG_LEVEL=INFO [-a stats_json=FILE]
#
# stats_json (optional, not in quotes.spider) writes Scrapy's final stats as JSON when the
# spider closes, so bench/crawl/run reads the page count the same way it does for ours.
import json

import scrapy


class QuotesSpider(scrapy.Spider):
    name = "quotes"
    allowed_domains = ["127.0.0.1"]
    custom_settings = {
        "CONCURRENT_REQUESTS": 16,
        "DOWNLOAD_DELAY": 0.0,
    }

    def __init__(self, base="http://127.0.0.1:8089", stats_json=None, **kwargs):
        super().__init__(**kwargs)
        self.start_urls = [base + "/p/0.html"]
        self.stats_json = stats_json

    def parse(self, response):
        for q in response.css("div.quote"):
            yield {
                "text": q.css("span.text::text").get(),
                "author": q.xpath(".//small[@class='author']/text()").get(),
                "tags": q.css("a.tag::text").getall(),
                "page": response.url,
            }
        for href in response.css("ul.pager a::attr(href), ul.related a::attr(href)").getall():
            yield response.follow(href, callback=self.parse)

    def closed(self, reason):
        if self.stats_json:
            stats = {k: (v.isoformat() if hasattr(v, "isoformat") else v)
                     for k, v in self.crawler.stats.get_stats().items()}
            with open(self.stats_json, "w", encoding="utf-8") as f:
                json.dump(stats, f, sort_keys=True)
