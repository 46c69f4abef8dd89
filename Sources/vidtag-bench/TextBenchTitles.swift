import Head

/// The titles `vidtag-bench text` encodes: short-video and product titles as vidtag sees them,
/// half Taobao-style Chinese with sizes and prices, half English, 5–40 word pieces each, made
/// by a seeded generator so that every run (and the PyTorch side, which reads them from a file)
/// encodes the same texts.
enum TextBenchTitles {
    static func make(count: Int, seed: UInt64 = 20261126) -> [String] {
        var random = SeededRandom(seed: seed)
        return (0..<count).map { index in index % 2 == 0 ? chinese(&random) : english(&random) }
    }

    private static let seasons = ["2024新款夏季", "春秋款", "冬季加厚", "秋冬新款", "2025春夏"]
    private static let styles = ["韩版", "复古", "ins风", "法式", "日系", "港风", "简约", "网红爆款"]
    private static let items = ["宽松短袖T恤女", "碎花连衣裙", "高腰牛仔裤", "加绒卫衣", "纯棉衬衫", "羽绒服",
                                "运动鞋男", "帆布鞋", "阔腿裤", "针织开衫", "蓝牙耳机", "保温杯", "猫粮成猫",
                                "宝宝辅食", "手机壳", "收纳盒"]
    private static let extras = ["ins潮", "M码", "XL/XXL", "¥59.9", "包邮", "买2送1", "🔥", "36-40码",
                                 "500ml", "官方正品", "限时秒杀", "✨"]
    private static let videos = ["萌宠日常｜我家猫咪又拆家了", "一分钟学会番茄炒蛋", "Vlog｜在上海的一天",
                                 "成都火锅探店", "开箱测评", "穿搭分享"]
    private static let brands = ["Apple", "Samsung", "Sony", "Nike", "Xiaomi", "Anker", "Logitech", "Uniqlo"]
    private static let things = ["wireless earbuds", "running shoes", "mechanical keyboard", "phone case",
                                 "coffee maker", "yoga mat", "smart watch", "hoodie", "power bank", "backpack"]
    private static let details = ["noise cancelling", "waterproof IPX7", "2-pack", "size 9.5", "20000mAh",
                                  "Bluetooth 5.3", "for women", "(black)", "2024 edition", "$19.99", "free shipping"]
    private static let clips = ["how to make sourdough bread at home", "my morning routine as a nurse",
                                "top 10 places to visit in Japan", "unboxing the new pixel watch",
                                "what I eat in a day (vegan)", "cute cat compilation part 3"]

    private static func chinese(_ random: inout SeededRandom) -> String {
        if random.next() % 4 == 0 { return random.pick(videos) + " " + random.pick(extras) }
        var parts = [random.pick(seasons) + random.pick(styles) + random.pick(items)]
        for _ in 0..<(random.next() % 4) { parts.append(random.pick(extras)) }
        return parts.joined(separator: " ")
    }

    private static func english(_ random: inout SeededRandom) -> String {
        if random.next() % 4 == 0 { return random.pick(clips) }
        var parts = [random.pick(brands), random.pick(things)]
        for _ in 0..<(random.next() % 4) { parts.append(random.pick(details)) }
        return parts.joined(separator: " ")
    }
}

extension SeededRandom {
    /// One of `values`, by the remainder of the next draw (the titles' fixed recipe).
    fileprivate mutating func pick<T>(_ values: [T]) -> T { values[Int(next() % UInt64(values.count))] }
}
