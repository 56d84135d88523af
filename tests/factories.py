"""factory_boy factories: valid, consistent objects by default. Synthetic data only."""

import factory
from django.contrib.auth.models import Group

from cases.models import Agency, AgencyType, Team, User

TEST_PASSWORD = "correct-horse-battery-42"


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Test Agency {n}")
    type = AgencyType.COUNCIL_SOCIAL_CARE


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Test Team {n}")
    agency = factory.SubFactory(AgencyFactory)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    full_name = factory.Sequence(lambda n: f"Test Practitioner {n}")
    agency = factory.SubFactory(AgencyFactory)
    password = factory.django.Password(TEST_PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            # get_or_create: a transactional test's flush empties auth_group, migration data included.
            self.groups.add(*(Group.objects.get_or_create(name=role)[0] for role in extracted))

    @factory.post_generation
    def teams(self, create, extracted, **kwargs):
        # Membership with the team's group, as `team_member_add` (and so seed_demo) gives it: a team's
        # members share the object permissions granted to the team.
        if create and extracted:
            from cases.services import team_ensure_group

            self.teams.add(*extracted)
            self.groups.add(*(team_ensure_group(team=team) for team in extracted))
