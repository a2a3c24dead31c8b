"""Which role may do what: the permissions of each role's group. Data, applied by a migration."""

ROLE_PERMISSIONS: dict[str, list[str]] = {
    "admin": [
        "registry.view_person", "registry.add_person", "registry.change_person", "registry.delete_person",
        "registry.view_unmasked_personal_data", "registry.view_all_areas", "registry.view_overview",
        "accounts.view_auditevent", "accounts.view_user", "accounts.add_user", "accounts.change_user",
        "billing.view_invoice", "billing.view_membership", "billing.run_billing", "billing.add_payment",
        "billing.enrol_members", "programmes.view_payer", "programmes.view_raterule", "programmes.view_budgetline",
        "programmes.add_budgetline", "programmes.change_budgetline",
        "enrolment.view_enrolmentbatch", "enrolment.target_people", "enrolment.exchange_bpjs_files",
        "enrolment.view_eligibilitypolicy", "enrolment.add_eligibilitypolicy",
        "claims.view_incident", "claims.add_incident", "claims.change_incident", "claims.update_claim_status",
        "claims.import_claim_status", "claims.view_claim_totals",
        "reports.view_regulation", "reports.add_regulation", "reports.change_regulation",
        "reports.view_innovation", "reports.add_innovation", "reports.change_innovation",
    ],
    "officer": [
        "registry.view_person", "registry.add_person", "registry.change_person", "registry.delete_person",
        "registry.view_unmasked_personal_data", "registry.view_all_areas", "registry.view_overview",
        "billing.view_invoice", "billing.view_membership", "billing.run_billing", "billing.add_payment",
        "billing.enrol_members", "programmes.view_payer", "programmes.view_raterule", "programmes.view_budgetline",
        "programmes.add_budgetline", "programmes.change_budgetline",
        "enrolment.view_enrolmentbatch", "enrolment.target_people", "enrolment.exchange_bpjs_files",
        "enrolment.view_eligibilitypolicy", "enrolment.add_eligibilitypolicy",
        "claims.view_incident", "claims.add_incident", "claims.change_incident", "claims.update_claim_status",
        "claims.import_claim_status", "claims.view_claim_totals",
        "reports.view_regulation", "reports.add_regulation", "reports.change_regulation",
        "reports.view_innovation", "reports.add_innovation", "reports.change_innovation",
    ],
    "village_operator": [
        "registry.view_person", "registry.add_person", "registry.change_person",
        "registry.view_unmasked_personal_data", "billing.view_membership",
        "claims.view_incident", "claims.add_incident", "claims.change_incident",
    ],
    "bpjs_officer": [
        "registry.view_overview", "registry.view_all_areas",
        "billing.view_invoice", "billing.view_membership", "programmes.view_payer", "programmes.view_raterule",
        "enrolment.view_enrolmentbatch", "enrolment.exchange_bpjs_files",
        "claims.view_incident", "claims.update_claim_status", "claims.import_claim_status", "claims.view_claim_totals",
    ],
    "leader": [
        "registry.view_overview", "registry.view_all_areas", "accounts.view_auditevent",
        "billing.view_invoice", "billing.view_membership", "programmes.view_payer", "programmes.view_raterule",
        "enrolment.view_enrolmentbatch", "programmes.view_budgetline", "claims.view_claim_totals",
        "reports.view_regulation", "reports.view_innovation",
    ],
}


def sync_role_groups(apps) -> None:
    """Create each role's group and give it exactly its permissions (idempotent)."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, names in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        permissions = []
        for name in names:
            app_label, codename = name.split(".")
            permissions.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        group.permissions.set(permissions)
