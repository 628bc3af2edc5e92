"""Listed trading: price notices, fixed-price listings, auctions and challenge tenders (技术交易)."""
