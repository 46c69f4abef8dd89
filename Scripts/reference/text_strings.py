"""The texts the tokenizer and encoder goldens are made from (imported by make_text_goldens.py).

`tokenizer_strings()` returns 600+ varied strings: English and Chinese sentences, Taobao-style
product titles with sizes and prices, mixed scripts, emoji (ZWJ sequences, flags, skin tones,
keycaps, a Unicode 15 emoji), accents (composed and decomposed), Greek final sigma, Turkish
dotted I, control and format characters, exotic spaces, very long words (99/100/101 characters),
URLs and e-mail addresses, fullwidth forms, CJK compatibility and extension ideographs, Hangul,
kana, Arabic, Devanagari, Thai, literal special tokens, and texts long enough to be truncated.
Part are written here by hand, the rest generated from word lists with a fixed seed.

`encoder_strings()` returns 64 of them for the sentence-embedding goldens.
"""
import random

HAND_WRITTEN = [
    # Empty, blank, punctuation only.
    "", " ", "   ", "\t\n\r", "\u3000\u3000", "\xa0", ".", "!!!", "?!...", "—", "¥$€£", "()[]{}<>", "#@&*%^~`|\\/",
    "，。！？、；：“”‘’（）【】《》", "...---...", "'\"", "_", "-_-", "^_^", ":)", "(╯°□°）╯︵ ┻━┻",
    # English.
    "Hello, world!", "hello world", "HELLO WORLD", "The quick brown fox jumps over the lazy dog.",
    "unaffable", "Unbelievable performance", "I can't believe it's not butter!", "don't stop me now",
    "state-of-the-art", "e-mail", "U.S.A.", "Mr. O'Neil's dog", "rock'n'roll", "5 o'clock",
    "It's 3:45 p.m. on 2024-06-01.", "Temperatures of -12.5°C", "50% off!!!", "#1 best seller",
    "@user thanks for the follow", "#OOTD #summer2024 #fashion", "$19.99 + free shipping", "1,234,567.89",
    "3.14159265358979", "0x1F600", "v2.3.1-beta+build.5", "C++ and C# and F#", "node.js vs. deno",
    "iPhone 15 Pro Max 256GB", "AirPods Pro (2nd generation)", "MacBook Air M2 13.6\"",
    "Samsung Galaxy S24 Ultra 5G", "PS5 DualSense Controller - Midnight Black",
    "Men's Running Shoes Size 10.5 US", "Women's High-Waist Yoga Pants XS/S/M/L/XL",
    "100% cotton T-shirt, unisex, size M", "Stainless steel water bottle 750ml / 25oz",
    "LEGO Star Wars Millennium Falcon 75257", "Nike Air Force 1 '07", "4K UHD 65\" Smart TV (2023 model)",
    "how to make sourdough bread at home", "My morning routine as a nurse", "Top 10 places to visit in Japan",
    "unboxing the new pixel watch", "DIY home decor ideas on a budget", "cute cat compilation part 3",
    "Day in the life: software engineer edition", "What I eat in a day (vegan)",
    # Long words (WordPiece limit is 100 scalars).
    "a" * 99, "b" * 100, "c" * 101, "x" * 300, "supercalifragilisticexpialidocious",
    "pneumonoultramicroscopicsilicovolcanoconiosis", "Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogoch",
    "abc" * 34, ("é" * 101), ("中" * 101), "aaaa" + "é" * 96, "longword" * 13 + " short",
    # URLs and addresses.
    "https://www.example.com/path/to/page?query=1&lang=en#section",
    "http://item.taobao.com/item.htm?id=1234567890", "www.tmall.com", "ftp://files.example.org/pub/readme.txt",
    "mailto:someone@example.com", "contact: support@shop-example.cn", "user.name+tag@gmail.com",
    "https://b23.tv/AbCdEf", "https://v.douyin.com/iRNBho6u/ 复制此链接，打开抖音搜索，直接观看视频！",
    "<a href=\"https://x.y\">link</a>", "C:\\Users\\Admin\\Videos\\clip001.mp4", "/home/user/VID_20240601_123456.mp4",
    "IMG_0042.MOV", "xxx.mp4", "20240601_183012.mp4", "视频1.mp4", "新建文件夹 (2)",
    # Chinese.
    "你好，世界！", "今天天气真好", "我爱北京天安门", "这是一个测试。", "中华人民共和国", "繁體中文測試",
    "夏季新款连衣裙", "宝宝辅食制作教程", "萌宠日常｜我家猫咪又拆家了", "美食探店：成都最好吃的火锅",
    "熟女穿搭", "少女穿搭", "儿童服饰", "中老年穿搭", "男士休闲", "家居日用", "美食", "萌宠",
    "一分钟学会番茄炒蛋", "【教程】如何在家做奶茶", "《三体》读后感", "「测试」『引号』", "第1集 开箱",
    "全场包邮！限时秒杀", "买一送一🔥", "原价¥199 现价¥99", "满300减50", "99元3件",
    # Taobao-style titles.
    "2024新款夏季韩版宽松短袖T恤女 ins潮 M码 ¥59.9",
    "【官方正品】Apple/苹果 iPhone 15 Pro Max 256G 5G手机",
    "纯棉男士t恤短袖夏季潮牌宽松半袖体恤衫 XL/XXL/3XL",
    "小米Redmi Note13 Pro+ 5G 12GB+256GB 星沙白",
    "雅诗兰黛小棕瓶精华液50ml 修护抗老",
    "三只松鼠坚果大礼包1500g/8袋 零食年货送礼",
    "ins风北欧实木餐桌椅组合 1.4m*0.8m 家用小户型",
    "儿童羽绒服男童女童中大童加厚外套 110cm-160cm",
    "网红爆款！！ 冰丝阔腿裤女夏薄款高腰垂感 S-XL",
    "【买2送1】洗衣凝珠 52颗/盒 持久留香",
    "华为HUAWEI Mate 60 Pro 12GB+512GB 雅丹黑",
    "猫粮成猫幼猫通用型2.5kg 5斤装 鱼肉味",
    "Nike耐克官方 AIR MAX 90 男子运动鞋 FN6958-100",
    "加绒加厚卫衣女秋冬2023新款oversize",
    "韩版chic复古港味衬衫女设计感小众上衣",
    "防晒霜SPF50+ PA++++ 60ml",
    "【顺丰包邮】阳澄湖大闸蟹 公4.0两 母3.0两 8只装",
    "冬季加厚保暖棉拖鞋女 居家防滑 36-41码",
    "Sony/索尼 WH-1000XM5 头戴式降噪耳机",
    "格力空调 1.5匹 新一级能效 变频冷暖 KFR-35GW",
    # Mixed scripts and emoji.
    "iPhone15手机壳 透明 防摔", "T恤", "t恤", "tshirt T-shirt TSHIRT", "Vlog｜在上海的一天 Shanghai day",
    "🔥🔥🔥", "😂😂😂 lol", "I ❤️ NY", "👍🏽 great", "👨‍👩‍👧‍👦 family", "🏳️‍🌈", "🇨🇳🇺🇸🇯🇵", "1️⃣ 2️⃣ #️⃣",
    "🫨 shaking face (Unicode 15)", "🥹 holding back tears", "✨新品✨", "⭐⭐⭐⭐⭐ 五星好评", "☀️🌧️❄️",
    "猫🐱狗🐶", "🍜好吃到哭😭", "→ ← ↑ ↓", "©2024 ®™", "①②③", "Ⅰ Ⅱ Ⅲ Ⅳ", "½ ¼ ¾", "x² + y³ = z⁴", "H₂O",
    "≥≤≠±×÷", "∑∫√∞", "°C °F", "µm", "Å", "℃", "№1", "…", "‰", "§3.1", "¶", "†‡", "•·●",
    # Accents, composed and decomposed; case corner cases.
    "café", "cafe\u0301", "Café au lait", "naïve", "naı̈ve", "Ångström", "Å", "Œuvre", "Straße", "STRASSE",
    "São Paulo", "Zürich", "Kraków", "Ελληνικά", "ΟΔΟΣ", "ΣΊΣΥΦΟΣ", "Σ", "ΑΣ ΣΑ", "ΑΣ.", "ΑΣΑ", "ΣΑΣ",
    "İstanbul", "ISTANBUL", "ıi", "Ǆ ǅ ǆ", "ﬁne ﬂower", "Ⓐⓑⓒ", "Ｈｅｌｌｏ　Ｗｏｒｌｄ", "ＡＢＣ１２３！",
    "ｶﾀｶﾅ", "Tiếng Việt có dấu", "Nguyễn Thị Minh Khai", "résumé", "RÉSUMÉ", "e\u0301", "E\u0301", "\u0301",
    "a\u0300\u0301\u0302", "ñ", "n\u0303", "Ç", "C\u0327", "ø Ø", "ł Ł", "ß ẞ", "ǰ", "ΐ",
    "Кириллица", "МОСКВА", "Привет, мир!", "Ёлка", "עברית", "العربية", "مرحبا بالعالم", "हिन्दी",
    "नमस्ते दुनिया", "ภาษาไทย", "สวัสดีครับ", "한국어", "안녕하세요 세계", "日本語", "ひらがな カタカナ",
    "こんにちは世界", "ゲーム実況", "ｱｲｳｴｵ", "Ꭰꭰ", "𝐁𝐨𝐥𝐝 𝑰𝒕𝒂𝒍𝒊𝒄", "𝔉𝔯𝔞𝔨𝔱𝔲𝔯",
    # Control, format and unusual space characters.
    "a\x00b", "a\x07b", "a\x1bb", "a\x1cb", "a\x1fb", "a\x7fb", "a\x85b", "a\x9fb", "line1\nline2",
    "tab\tseparated\tvalues", "cr\rlf\r\n", "a\u200bb", "zero\u200cwidth\u200djoiner", "\ufeffBOM",
    "soft\u00adhyphen", "a\u2028b\u2029c", "a\u2060b", "a\ufffdb", "\ufffd", "a\ue000b", "a\U000f0000b",
    "a\u0378b", "a\U0001fae8b", "a\u00a0b", "a\u2002b\u2003c", "a\u2009b", "a\u202fb", "a\u205fb",
    "a\u3000b", "a\u1680b", "a\u180eb", "a\u200eb\u200f", "\u202eRTL override", "a\x0bb\x0cc",
    # CJK corner cases.
    "豈更車", "\uf900\ufa0e\ufa11", "\U00020000\U0002a700\U0002b740", "\U00030000", "〇", "々", "〆", "ヶ",
    "㐀㐁", "⺀⻳", "⼀⼁", "㈠㈡", "㊀", "㍻", "丨丶丿", "龘", "𠮷野家",
    # Literal special tokens.
    "[CLS]", "[SEP]", "[MASK]", "[PAD]", "[UNK]", "[cls]", "[mask]", "hello[MASK]world", "x[CLS]y[SEP]z",
    "[CLS][CLS]", "[[MASK]]", "[MASK", "MASK]", "[ MASK ]", "the [MASK] is blue", "[UNK]nown",
    "never_split C++ T恤 iPhone", "C++", "iPhone", "IPHONE",
]


def long_texts():
    """Texts longer than 256 word pieces (truncation)."""
    words = ["summer", "dress", "for", "women", "casual", "loose", "cotton", "linen", "beach", "party"]
    english = " ".join(words[i % len(words)] for i in range(400))
    chinese = "夏季新款宽松纯棉短袖女装上衣" * 30
    mixed = " ".join(f"item{i} 商品{i}" for i in range(200))
    return [english, chinese, mixed, "a " * 600, "。" * 300]


def taobao_titles(rng, count):
    years = ["2024", "2023", "2025", ""]
    seasons = ["夏季", "春秋", "冬季", "秋冬", "春夏", "四季"]
    styles = ["韩版", "复古", "ins风", "法式", "日系", "港风", "简约", "网红", "欧美", "中国风"]
    fits = ["宽松", "修身", "oversize", "显瘦", "百搭", "高腰", "加绒", "薄款"]
    items = ["短袖T恤", "连衣裙", "牛仔裤", "卫衣", "衬衫", "半身裙", "羽绒服", "运动鞋", "帆布鞋", "阔腿裤",
             "针织衫", "西装外套", "吊带背心", "棉服", "睡衣套装", "双肩包", "手机壳", "蓝牙耳机", "保温杯", "收纳盒"]
    who = ["女", "男", "女童", "男童", "情侣", "学生", "中老年", "宝宝"]
    tags = ["ins潮", "爆款", "新品", "包邮", "正品", "清仓", "特价", "百搭款", "明星同款", "加厚"]
    sizes = ["S码", "M码", "L码", "XL", "XXL", "3XL", "均码", "36-40码", "110cm", "S-XL", "M/L", "165/88A"]
    prices = ["¥59.9", "￥129", "¥9.9包邮", "券后¥39", "原价299", "$12.99", "¥1,299.00", "到手价88元"]
    emoji = ["", "", "", "🔥", "✨", "💕", "❤️", "👗"]
    titles = []
    for _ in range(count):
        parts = [rng.choice(years) + rng.choice(["新款", "款", ""]) + rng.choice(seasons),
                 rng.choice(styles) + rng.choice(fits) + rng.choice(items) + rng.choice(who)]
        for pool, chance in ((tags, 0.6), (sizes, 0.7), (prices, 0.6), (emoji, 0.5)):
            if rng.random() < chance:
                parts.append(rng.choice(pool))
        brackets = rng.random()
        if brackets < 0.2:
            parts.insert(0, "【" + rng.choice(["官方正品", "限时秒杀", "买2送1", "顺丰包邮"]) + "】")
        joiner = rng.choice([" ", "", " ", "  ", "|", "/"])
        titles.append(joiner.join(p for p in parts if p))
    return titles


def product_titles(rng, count):
    brands = ["Apple", "Samsung", "Sony", "Nike", "Adidas", "Xiaomi", "Anker", "Logitech", "IKEA", "Uniqlo",
              "L'Oréal", "Estée Lauder", "Dyson", "Philips", "Bosch", "Lenovo", "ASUS", "Canon", "GoPro", "Muji"]
    things = ["Wireless Earbuds", "Running Shoes", "Hair Dryer", "Mechanical Keyboard", "Phone Case", "Backpack",
              "Coffee Maker", "Yoga Mat", "Smart Watch", "Desk Lamp", "Face Cream", "Water Bottle", "T-Shirt",
              "Hoodie", "Sneakers", "Power Bank", "USB-C Cable", "Gaming Mouse", "Air Purifier", "Blender"]
    details = ["Noise Cancelling", "Waterproof IPX7", "2-Pack", "Size 9.5", "XL", "500ml", "20000mAh", "65W",
               "Bluetooth 5.3", "Anti-Slip", "for Men", "for Women", "Kids'", "(Black)", "- Navy Blue", "2024 Edition",
               "w/ Case", "16.9 fl oz", "6ft/1.8m", "Pack of 3", "Limited Edition", "Refurbished"]
    prices = ["$19.99", "$249", "€39,90", "£12.50", "USD 5", "¥3999", "only $9!", "$1,099.00", ""]
    titles = []
    for _ in range(count):
        parts = [rng.choice(brands), rng.choice(things)]
        parts += rng.sample(details, rng.randint(0, 3))
        if rng.random() < 0.5:
            parts.append(rng.choice(prices))
        text = " ".join(p for p in parts if p)
        case = rng.random()
        if case < 0.1:
            text = text.upper()
        elif case < 0.2:
            text = text.lower()
        titles.append(text)
    return titles


def sentences(rng, count):
    subjects = ["My cat", "This video", "Our team", "The chef", "A tiny robot", "小明", "我的狗狗", "这家店", "妈妈",
                "The café owner", "Die Katze", "Le chat"]
    verbs = ["loves", "made", "tried", "reviewed", "unboxed", "喜欢", "做了", "试吃了", "评测了", "found"]
    objects = ["spicy noodles", "a new phone", "the best burger in town", "红烧肉", "新手机", "火锅", "a 10km run",
               "summer outfits", "糖醋排骨", "naïve art", "crème brûlée", "jalapeño poppers"]
    endings = ["!", ".", "?!", "!!!", "。", "！", "～", " 😂", " #vlog", " (part 2)", "...", ""]
    out = []
    for _ in range(count):
        out.append(f"{rng.choice(subjects)} {rng.choice(verbs)} {rng.choice(objects)}{rng.choice(endings)}")
    return out


def noisy(rng, texts, count):
    """Texts with control characters, odd spaces and decomposed accents spliced in."""
    inserts = ["\x00", "\x01", "\t", "\n", "\r\n", "\u200b", "\u00ad", "\ufeff", "\ufffd", "\u3000", "\xa0",
               "\u2028", "\x7f", "\u0301", "\u0308", "\U0001f600", "\u200d", "  ", "\u202f"]
    out = []
    for _ in range(count):
        text = list(rng.choice(texts))
        for _ in range(rng.randint(1, 3)):
            text.insert(rng.randint(0, len(text)), rng.choice(inserts))
        out.append("".join(text))
    return out


def tokenizer_strings():
    rng = random.Random(20261126)
    base = HAND_WRITTEN + long_texts()
    generated = taobao_titles(rng, 150) + product_titles(rng, 100) + sentences(rng, 60)
    strings = base + generated + noisy(rng, base + generated, 60)
    seen, unique = set(), []
    for s in strings:
        if s not in seen:
            seen.add(s)
            unique.append(s)
    return unique


def encoder_strings():
    """Varied texts for the sentence-embedding goldens: English, Chinese, mixed, emoji, long."""
    rng = random.Random(7)
    picked = [
        "Hello, world!", "The quick brown fox jumps over the lazy dog.", "unboxing the new pixel watch",
        "DIY home decor ideas on a budget", "cute cat compilation part 3", "What I eat in a day (vegan)",
        "How to make sourdough bread at home", "Top 10 places to visit in Japan", "iPhone 15 Pro Max 256GB",
        "Men's Running Shoes Size 10.5 US", "100% cotton T-shirt, unisex, size M", "$19.99 + free shipping",
        "2024新款夏季韩版宽松短袖T恤女 ins潮 M码 ¥59.9", "纯棉男士t恤短袖夏季潮牌宽松半袖体恤衫 XL/XXL/3XL",
        "你好，世界！", "萌宠日常｜我家猫咪又拆家了", "Vlog｜在上海的一天 Shanghai day", "猫🐱狗🐶", "🔥🔥🔥",
        "I ❤️ NY", "café naïve résumé", "Straße Zürich Kraków", "Привет, мир!", "", "   ", "!!!", "xxx.mp4",
        "20240601_183012.mp4", "https://www.example.com/path/to/page?query=1&lang=en#section",
        "a" * 120, "the [MASK] is blue", "C++ and C# and F#", "50% off!!!", "#OOTD #summer2024 #fashion",
    ]
    picked += long_texts()[:3]
    picked += taobao_titles(rng, 10) + product_titles(rng, 10) + sentences(rng, 10)
    return picked[:64]
