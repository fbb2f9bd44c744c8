/// Foshan's places and names, for plausible demo records: the five districts with their real
/// streets (街道) and towns (镇), main roads, postal codes, centres, and the names people and
/// companies carry in Guangdong.
enum DemoFoshan {
    struct District: Sendable {
        var code: String, name: String, postal: String
        /// Centre (longitude, latitude) and the half-widths that keep points inside the district.
        var lon: Double, lat: Double, dLon: Double, dLat: Double
        var streets: [String], roads: [String]
        /// Share of the city's enterprises and people (out of 100).
        var weight: Int
    }

    static let districts: [District] = [
        District(
            code: "440604", name: "禅城区", postal: "528000", lon: 113.105, lat: 23.010, dLon: 0.035, dLat: 0.030,
            streets: ["祖庙街道", "石湾镇街道", "张槎街道", "南庄镇"],
            roads: ["季华四路", "汾江中路", "岭南大道北", "祖庙路", "文华北路", "魁奇一路", "绿景路", "亲仁路", "朝安南路", "佛山大道中"], weight: 22),
        District(
            code: "440605", name: "南海区", postal: "528200", lon: 113.080, lat: 23.080, dLon: 0.090, dLat: 0.060,
            streets: ["桂城街道", "大沥镇", "里水镇", "狮山镇", "丹灶镇", "西樵镇", "九江镇"],
            roads: ["南海大道北", "桂澜北路", "海八东路", "灯湖东路", "佛平路", "广佛路", "狮山大道", "樵金路", "里广路", "南桂东路"], weight: 30),
        District(
            code: "440606", name: "顺德区", postal: "528300", lon: 113.230, lat: 22.830, dLon: 0.080, dLat: 0.060,
            streets: ["大良街道", "容桂街道", "伦教街道", "勒流街道", "陈村镇", "北滘镇", "乐从镇", "龙江镇", "杏坛镇", "均安镇"],
            roads: ["德胜东路", "东乐路", "新城路", "容奇大道", "碧桂路", "105国道", "伦教大道", "顺番公路", "乐从大道", "北滘大道"], weight: 30),
        District(
            code: "440607", name: "三水区", postal: "528100", lon: 112.900, lat: 23.170, dLon: 0.070, dLat: 0.070,
            streets: ["西南街道", "云东海街道", "白坭镇", "乐平镇", "芦苞镇", "大塘镇", "南山镇"],
            roads: ["广海大道中", "健力宝南路", "张边路", "三水大道", "西青大道", "乐平大道"], weight: 9),
        District(
            code: "440608", name: "高明区", postal: "528500", lon: 112.870, lat: 22.870, dLon: 0.060, dLat: 0.040,
            streets: ["荷城街道", "杨和镇", "明城镇", "更合镇"],
            roads: ["沧江路", "三洲路", "文明路", "江湾路", "泰华路", "明城大道"], weight: 9)
    ]

    /// A district index drawn by the districts' weights.
    static func district(_ rng: inout DemoRandom) -> Int {
        var r = rng.int(100)
        for (i, d) in districts.enumerated() { if r < d.weight { return i }; r -= d.weight }
        return 0
    }

    /// Surnames with Guangdong's frequencies, most common first (陈 and 李 lead in Foshan).
    static let surnames = Array("陈李黄梁何张罗林吴刘周郑冯邓叶谭苏卢潘麦区关钟杨伍欧曾邝汤冼霍")
    static let maleFirst = Array("志伟嘉俊家国建文永子浩明振少锦梓")
    static let maleSecond = Array("强华明杰辉豪轩宇峰斌聪荣坤勇波恒")
    static let femaleFirst = Array("丽晓美秀淑婉欣燕玉桂颖诗雅翠惠嘉")
    static let femaleSecond = Array("芳玲琳婷敏娟霞洁欣涵仪怡珊华燕")

    /// A name for a man or a woman (either when `male` is nil); one in eight has a one-character given name.
    static func personName(_ rng: inout DemoRandom, male: Bool? = nil) -> String {
        // Surnames: the first ten cover most people (a skewed pick).
        let s = rng.unit() < 0.7 ? surnames[rng.int(10)] : surnames[rng.int(surnames.count)]
        let man = male ?? (rng.int(2) == 0)
        let first = man ? maleFirst : femaleFirst, second = man ? maleSecond : femaleSecond
        if rng.int(8) == 0 { return String(s) + String(second[rng.int(second.count)]) }
        return String(s) + String(first[rng.int(first.count)]) + String(second[rng.int(second.count)])
    }

    /// Trade names (字号): two characters, as Foshan's firms are named.
    static let tradeFirst = Array("华美顺嘉鸿永金宏盈泰恒东南佳信和兴利德盛丰源瑞新宝安康富创联力粤")
    static let tradeSecond = Array("达通辉发昌隆科威海雅宇誉锋凯晟邦骏丰汇润星辰")

    struct Industry: Sendable {
        var code: String, word: String, scope: String
        /// Registered capital range in 万元 (log-uniform).
        var capital: ClosedRange<Double>
        var weight: Int
    }

    /// Industries Foshan is known for (appliances, ceramics, furniture, aluminium, textiles) and the
    /// trades every city has, with GB/T 4754-2017 codes.
    static let industries: [Industry] = [
        Industry(code: "C3856", word: "电器", scope: "家用电器、厨房电器的研发、生产和销售；货物进出口。", capital: 100...20_000, weight: 10),
        Industry(code: "C3071", word: "陶瓷", scope: "建筑陶瓷制品制造；陶瓷制品销售；建筑材料销售。", capital: 100...10_000, weight: 8),
        Industry(code: "C2110", word: "家具", scope: "家具制造；家具销售；家具零配件生产和销售。", capital: 50...5_000, weight: 8),
        Industry(code: "C3252", word: "铝业", scope: "铝合金型材的加工、生产和销售；有色金属压延加工。", capital: 200...30_000, weight: 6),
        Industry(code: "C1713", word: "纺织", scope: "棉纺纱加工；面料纺织加工；服装服饰批发。", capital: 50...3_000, weight: 5),
        Industry(code: "C3421", word: "机械", scope: "通用设备制造；机械零部件加工；机械设备销售。", capital: 100...8_000, weight: 7),
        Industry(code: "F5174", word: "五金", scope: "五金产品批发、零售；建筑装饰材料销售。", capital: 10...1_000, weight: 10),
        Industry(code: "F5137", word: "贸易", scope: "日用百货、服装鞋帽、电子产品的批发和零售；货物进出口。", capital: 10...2_000, weight: 12),
        Industry(code: "I6513", word: "信息科技", scope: "软件开发；信息系统集成服务；信息技术咨询服务。", capital: 10...2_000, weight: 8),
        Industry(code: "E4790", word: "建筑工程", scope: "房屋建筑和市政基础设施项目工程总承包；建筑劳务分包。", capital: 500...20_000, weight: 5),
        Industry(code: "K7010", word: "房地产开发", scope: "房地产开发经营；物业管理；住房租赁。", capital: 1_000...100_000, weight: 3),
        Industry(code: "H6210", word: "餐饮管理", scope: "餐饮服务；食品销售；餐饮管理。", capital: 10...500, weight: 8),
        Industry(code: "G5430", word: "物流", scope: "道路货物运输（不含危险货物）；普通货物仓储服务；国内货物运输代理。", capital: 50...5_000, weight: 6),
        Industry(code: "L7212", word: "企业管理咨询", scope: "企业管理咨询；市场营销策划；会议及展览服务。", capital: 10...1_000, weight: 5),
        Industry(code: "M7520", word: "科技", scope: "技术服务、技术开发、技术咨询、技术转让、技术推广。", capital: 10...3_000, weight: 7)
    ]

    static func industry(_ rng: inout DemoRandom) -> Int {
        let total = industries.reduce(0) { $0 + $1.weight }
        var r = rng.int(total)
        for (i, x) in industries.enumerated() { if r < x.weight { return i }; r -= x.weight }
        return 0
    }

    static let banks = ["中国工商银行佛山分行", "中国建设银行佛山分行", "中国农业银行佛山分行", "中国银行佛山分行", "佛山农村商业银行", "顺德农村商业银行", "广东南海农村商业银行", "招商银行佛山分行"]
    static let vehicleBrands = ["比亚迪秦PLUS", "广汽传祺GS4", "丰田凯美瑞", "本田雅阁", "大众朗逸", "日产轩逸", "五菱宏光", "比亚迪汉", "特斯拉Model 3", "小鹏P7", "吉利帝豪", "福田欧马可"]
    static let nativePlaces = ["广东佛山", "广东广州", "广东湛江", "广东茂名", "广东肇庆", "广东清远", "广西玉林", "湖南衡阳", "湖南永州", "江西赣州", "四川南充", "河南信阳", "湖北荆州"]
}
