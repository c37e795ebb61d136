/* The terms of the volunteer taxonomy (taxonomy.h). */
#include "volunteer/taxonomy.h"

#include <string.h>

/* APPEND ONLY: a skill's index is its bit in every stored mask (match.h,
 * the store). Add new skills at the end; never reorder or remove one. */
const gt_vol_term gt_vol_skills[] = {
	{"software", "Software development", "软件开发"},
	{"data", "Data analysis", "数据分析"},
	{"design", "Design", "设计"},
	{"medicine", "Medicine", "医疗"},
	{"nursing", "Nursing", "护理"},
	{"law", "Law", "法律"},
	{"teaching", "Teaching", "教学"},
	{"accounting", "Accounting", "会计"},
	{"translation", "Translation and interpreting", "翻译"},
	{"writing", "Writing and editing", "写作与编辑"},
	{"marketing", "Marketing", "市场营销"},
	{"fundraising", "Fundraising", "筹款"},
	{"project-management", "Project management", "项目管理"},
	{"it-support", "IT support", "信息技术支持"},
	{"research", "Research", "调查研究"},
	{"photography-video", "Photography and video", "摄影摄像"},
	{"counselling", "Counselling", "咨询辅导"},
	{"social-work", "Social work", "社会工作"},
	{"first-aid", "First aid", "急救"},
	{"mental-health", "Mental health support", "心理健康支持"},
	{"elderly-care", "Elderly care", "长者照护"},
	{"childcare", "Childcare", "儿童照护"},
	{"disability-support", "Disability support", "助残服务"},
	{"construction", "Construction and repairs", "建筑与维修"},
	{"logistics", "Logistics", "物流"},
	{"driving", "Driving", "驾驶"},
	{"cooking", "Cooking", "烹饪"},
	{"event-planning", "Event planning", "活动策划"},
	{"environment", "Environmental work", "环保工作"},
	{"agriculture", "Agriculture", "农业"},
	{"sports-coaching", "Sports coaching", "运动指导"},
	{"music", "Music", "音乐"},
	{"art", "Art", "美术"},
	{"sign-language", "Sign language", "手语"},
	{"public-speaking", "Public speaking", "公众演讲"},
	{"mentoring", "Mentoring", "导师辅导"},
	{"hr", "Human resources", "人力资源"},
	{"search-rescue", "Search and rescue", "搜索救援"},
	{"pharmacy", "Pharmacy", "药学"},
	{"public-health", "Public health", "公共卫生"},
	{"administration", "Office administration", "行政事务"},
	{"customer-service", "Customer service", "客户服务"},
	{"community-organising", "Community organising", "社区组织"},
	{"cybersecurity", "Cybersecurity", "网络安全"},
	{"electrical", "Electrical work", "电工"},
	{"plumbing", "Plumbing", "水暖维修"},
	{"veterinary", "Veterinary care", "兽医"},
	{"animal-care", "Animal care", "动物照护"},
	{"rehabilitation", "Physiotherapy and rehabilitation", "康复治疗"},
	{"nutrition", "Nutrition", "营养指导"},
	{"dentistry", "Dentistry", "口腔医疗"},
	{"finance", "Financial management", "财务管理"},
	{"social-media", "Social media", "社交媒体运营"},
	{"crafts", "Handicrafts", "手工艺"},
	{"dance", "Dance", "舞蹈"},
	{"gardening", "Gardening", "园艺"},
	{"volunteer-coordination", "Volunteer coordination", "志愿者协调"},
	{"advocacy", "Policy and advocacy", "政策倡导"},
	{NULL, NULL, NULL},
};

/* APPEND ONLY, as the skills. */
const gt_vol_term gt_vol_causes[] = {
	{"education", "Education", "教育"},
	{"health", "Health", "医疗健康"},
	{"environment", "Environment", "环境保护"},
	{"elderly", "Older people", "关爱老人"},
	{"children", "Children and youth", "儿童青少年"},
	{"disability", "Disability", "助残"},
	{"poverty", "Poverty relief", "扶贫济困"},
	{"disaster-relief", "Disaster relief", "灾害救援"},
	{"animals", "Animal welfare", "动物保护"},
	{"culture", "Arts and culture", "文化艺术"},
	{"community", "Community", "社区服务"},
	{"rural-development", "Rural development", "乡村发展"},
	{"women", "Women", "妇女权益"},
	{"refugees", "Refugees and migrants", "难民与移民"},
	{"technology", "Technology for good", "科技公益"},
	{"public-safety", "Public safety", "公共安全"},
	{"mental-health", "Mental health", "心理健康"},
	{"sports", "Sports", "体育运动"},
	{"heritage", "Cultural heritage", "文化遗产"},
	{"legal-aid", "Legal aid", "法律援助"},
	{"migrant-workers", "Migrant workers", "外来务工人员"},
	{"food", "Food and hunger", "食物救助"},
	{NULL, NULL, NULL},
};

/* APPEND ONLY, as the skills. */
const gt_vol_term gt_vol_languages[] = {
	{"zh", "Chinese", "中文"},
	{"en", "English", "英语"},
	{"es", "Spanish", "西班牙语"},
	{"fr", "French", "法语"},
	{"ar", "Arabic", "阿拉伯语"},
	{"ru", "Russian", "俄语"},
	{"ja", "Japanese", "日语"},
	{"ko", "Korean", "韩语"},
	{"de", "German", "德语"},
	{"pt", "Portuguese", "葡萄牙语"},
	{"hi", "Hindi", "印地语"},
	{"csl", "Chinese Sign Language", "中国手语"},
	{"yue", "Cantonese", "粤语"},
	{"it", "Italian", "意大利语"},
	{"vi", "Vietnamese", "越南语"},
	{"th", "Thai", "泰语"},
	{"id", "Indonesian", "印度尼西亚语"},
	{"ms", "Malay", "马来语"},
	{"mn", "Mongolian", "蒙古语"},
	{"bo", "Tibetan", "藏语"},
	{"ug", "Uyghur", "维吾尔语"},
	{"kk", "Kazakh", "哈萨克语"},
	{"za", "Zhuang", "壮语"},
	{NULL, NULL, NULL},
};

const gt_vol_term gt_vol_levels[] = {
	{"basic", "Basic", "初级"},
	{"intermediate", "Intermediate", "中级"},
	{"advanced", "Advanced", "高级"},
	{"expert", "Expert", "专家"},
	{NULL, NULL, NULL},
};

#define S_COUNT(a) (sizeof(a) / sizeof((a)[0]) - 1)

_Static_assert(S_COUNT(gt_vol_skills) <= GT_VOL_SKILLS_MAX, "skills are bits of a uint64_t");
_Static_assert(S_COUNT(gt_vol_causes) <= GT_VOL_CAUSES_MAX, "causes are bits of a uint32_t");
_Static_assert(S_COUNT(gt_vol_languages) <= GT_VOL_LANGUAGES_MAX,
	       "languages are bits of a uint32_t");
_Static_assert(S_COUNT(gt_vol_levels) == GT_VOL_LEVELS, "four levels");

static int S_find(const gt_vol_term *terms, size_t n, const char *id)
{
	if (!id)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (strcmp(terms[i].id, id) == 0)
			return (int)i;
	return -1;
}

int gt_vol_skill_find(const char *id)
{
	return S_find(gt_vol_skills, S_COUNT(gt_vol_skills), id);
}

int gt_vol_cause_find(const char *id)
{
	return S_find(gt_vol_causes, S_COUNT(gt_vol_causes), id);
}

int gt_vol_language_find(const char *id)
{
	return S_find(gt_vol_languages, S_COUNT(gt_vol_languages), id);
}

int gt_vol_level_find(const char *id)
{
	int i = S_find(gt_vol_levels, S_COUNT(gt_vol_levels), id);
	return i < 0 ? -1 : i + 1;
}

size_t gt_vol_skill_count(void)
{
	return S_COUNT(gt_vol_skills);
}

size_t gt_vol_cause_count(void)
{
	return S_COUNT(gt_vol_causes);
}

size_t gt_vol_language_count(void)
{
	return S_COUNT(gt_vol_languages);
}
