/// The demo accounts, one per role, in the data authority, market regulation, HR, transport
/// (the bus GPS stream and its live map), natural resources and civil affairs (the verification
/// services) and health departments.
enum DemoUsers {
    static let password = "databank-demo"

    static let all: [DemoUser] = [
        DemoUser(
            username: "admin", displayName: "平台管理员（张海峰）", role: "platformAdmin",
            departmentCode: DemoCode.dataAuthority, password: password),
        DemoUser(
            username: "reviewer", displayName: "目录审核员（陈静）", role: "reviewer",
            departmentCode: DemoCode.dataAuthority, password: password),
        DemoUser(
            username: "scj_admin", displayName: "市场监管局部门管理员（黄志强）", role: "departmentAdmin",
            departmentCode: DemoCode.market, password: password),
        DemoUser(
            username: "scj_steward", displayName: "市场监管局数据专员（梁晓琳）", role: "steward",
            departmentCode: DemoCode.market, password: password),
        DemoUser(
            username: "rsj_steward", displayName: "人社局数据专员（何伟明）", role: "steward",
            departmentCode: DemoCode.hr, password: password),
        DemoUser(
            username: "jtj_steward", displayName: "交通运输局数据专员（罗嘉欣）", role: "steward",
            departmentCode: DemoCode.transport, password: password),
        // Providers of the verification services (首套房核验, 低保资格核验): status data instead of precise data.
        DemoUser(
            username: "zrj_steward", displayName: "自然资源局数据专员（邓志军）", role: "steward",
            departmentCode: DemoCode.naturalResources, password: password),
        DemoUser(
            username: "mzj_steward", displayName: "民政局数据专员（冯丽华）", role: "steward",
            departmentCode: DemoCode.civil, password: password),
        // Providers of the joint checks' services (积分入学资格联审), and the education bureau's window that runs it.
        DemoUser(
            username: "gaj_steward", displayName: "公安局数据专员（谭国强）", role: "steward",
            departmentCode: DemoCode.police, password: password),
        DemoUser(
            username: "gjj_steward", displayName: "公积金中心数据专员（苏美玲）", role: "steward",
            departmentCode: DemoCode.fund, password: password),
        DemoUser(
            username: "jyj_steward", displayName: "教育局积分入学窗口（吴婷）", role: "steward",
            departmentCode: DemoCode.education, password: password),
        DemoUser(
            username: "viewer", displayName: "浏览用户（李明）", role: "viewer",
            departmentCode: DemoCode.health, password: password)
    ]
}
